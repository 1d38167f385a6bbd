package io.tokenmeter.metering.reservation;

import io.tokenmeter.schemas.Tier;
import java.util.Optional;

/** What a reservation request got. */
public sealed interface Admission {

    /**
     * The session holds {@code hold}: a new hold ({@code created}) or the one it already had,
     * raised or as it was. {@code remainingTokens} already counts it.
     */
    record Granted(Hold hold, boolean created, long remainingTokens) implements Admission {}

    /**
     * The hold (or its raise) does not fit in the user's {@code remainingTokens}; {@code nextTier}:
     * the lowest higher tier in which it would fit, if any. An existing hold is left as it was.
     */
    record Refused(Tier tier, long remainingTokens, Optional<Tier> nextTier) implements Admission {}

    /** The session was metered already: there is nothing left to hold for. */
    record AlreadySettled(String sessionId) implements Admission {}

    /** Another user holds tokens for this session id. */
    record HeldForAnotherUser(String sessionId) implements Admission {}
}
