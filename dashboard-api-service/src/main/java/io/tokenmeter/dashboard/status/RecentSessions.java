package io.tokenmeter.dashboard.status;

/** Port: the tokens of a user's latest metered sessions, for the estimate of sessions left. */
public interface RecentSessions {

    /** How many of a user's latest sessions the estimate averages over. */
    int COUNT = 20;

    /** The user's latest sessions by completion time, at most {@link #COUNT}. */
    Tokens latest(String userId);

    /** {@code sessions} sessions used {@code tokens} tokens in all. */
    record Tokens(int sessions, long tokens) {}
}
