package io.tokenmeter.metering.reservation;

import java.util.List;

/** What happens to holds, for metrics (port). */
public interface ReservationEvents {

    void granted(Hold hold);

    void raised(Hold hold, long previousTokens);

    void refused(String userId, long tokens);

    void released(Hold hold);

    void expired(List<Hold> holds);

    /**
     * A metered session settled its hold: {@code live} if the hold had not expired, {@code
     * usedTokens} what the session used.
     */
    void settled(Hold hold, boolean live, long usedTokens);

    /** Tokens held by every live hold, as last measured. */
    void held(long tokens);
}
