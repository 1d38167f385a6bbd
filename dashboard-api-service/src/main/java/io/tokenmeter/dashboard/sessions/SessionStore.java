package io.tokenmeter.dashboard.sessions;

import java.util.List;
import java.util.Optional;

/** Port: the priced sessions the dashboard has seen. Saving the same session again is harmless. */
public interface SessionStore {

    /** Saves the sessions in order, all or none; a session seen before is replaced. */
    void saveAll(List<PricedSession> sessions);

    Optional<PricedSession> find(String sessionId);

    /** The user's newest sessions by completion time, at most {@code limit}. */
    List<PricedSession> recent(String userId, int limit);
}
