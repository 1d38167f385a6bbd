package io.tokenmeter.metering.reservation;

import java.time.Duration;

/**
 * A request to hold {@code tokens} of a user's quota for one grading session, for at most {@code
 * ttl}. Valid by construction: an invalid one throws {@link InvalidReservation}.
 */
public record ReservationRequest(String userId, String sessionId, long tokens, Duration ttl) {

    /** Identifiers are index keys: longer ones would not fit an index entry. */
    public static final int MAX_ID_LENGTH = 256;

    public static final long MAX_TOKENS = 1_000_000_000L;
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(900);
    public static final Duration MAX_TTL = Duration.ofSeconds(86_400);

    public ReservationRequest {
        checkId("user_id", userId);
        checkId("session_id", sessionId);
        if (tokens <= 0) {
            throw new InvalidReservation("tokens must be positive");
        }
        if (tokens > MAX_TOKENS) {
            throw new InvalidReservation("tokens must be at most " + MAX_TOKENS);
        }
        if (ttl == null) {
            ttl = DEFAULT_TTL;
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new InvalidReservation("ttl_seconds must be positive");
        }
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new InvalidReservation(
                    "ttl_seconds must be at most " + MAX_TTL.toSeconds() + " seconds");
        }
    }

    /** Checks an identifier the way requests and the metering listener both need. */
    public static void checkId(String name, String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidReservation(name + " is missing");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidReservation(name + " is longer than " + MAX_ID_LENGTH + " characters");
        }
        if (id.indexOf('\u0000') >= 0) {
            throw new InvalidReservation(name + " contains U+0000");
        }
    }

    /** Whether a hold could have this id. */
    public static boolean validId(String id) {
        return id != null
                && !id.isBlank()
                && id.length() <= MAX_ID_LENGTH
                && id.indexOf('\u0000') < 0;
    }

    /** The request is invalid; the message says why. Nothing is stored. */
    public static final class InvalidReservation extends IllegalArgumentException {
        public InvalidReservation(String message) {
            super(message);
        }
    }
}
