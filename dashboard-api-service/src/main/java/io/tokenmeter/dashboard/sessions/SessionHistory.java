package io.tokenmeter.dashboard.sessions;

import java.util.List;
import java.util.Optional;

/**
 * Every user's priced sessions, each visible to its owner only: for anyone else a session does not
 * exist (no existence leak).
 */
public class SessionHistory {

    private final SessionStore store;

    public SessionHistory(SessionStore store) {
        this.store = store;
    }

    public void sessionsPriced(List<PricedSession> sessions) {
        store.saveAll(sessions);
    }

    public Optional<PricedSession> costOf(String userId, String sessionId) {
        return store.find(sessionId).filter(session -> session.ownedBy(userId));
    }

    public List<PricedSession> recent(String userId, int limit) {
        return store.recent(userId, limit);
    }
}
