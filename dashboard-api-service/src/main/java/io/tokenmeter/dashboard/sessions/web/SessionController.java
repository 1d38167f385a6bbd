package io.tokenmeter.dashboard.sessions.web;

import io.tokenmeter.dashboard.config.DashboardProperties;
import io.tokenmeter.dashboard.sessions.PricedSession;
import io.tokenmeter.dashboard.sessions.SessionHistory;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in user's priced sessions. */
@RestController
class SessionController {

    private final SessionHistory history;
    private final DashboardProperties properties;

    SessionController(SessionHistory history, DashboardProperties properties) {
        this.history = history;
        this.properties = properties;
    }

    /**
     * One session's cost (CONTRACT §3.4). Another user's session is answered exactly like a session
     * that does not exist.
     */
    @GetMapping("/api/sessions/{sessionId}/cost")
    ResponseEntity<?> cost(Principal user, @PathVariable String sessionId) {
        return history.costOf(user.getName(), sessionId)
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(
                        () -> {
                            ProblemDetail problem =
                                    ProblemDetail.forStatusAndDetail(
                                            HttpStatus.NOT_FOUND,
                                            "You have no session with this id.");
                            problem.setTitle("Session not found");
                            problem.setType(URI.create("urn:tokenmeter:problem:session-not-found"));
                            return ResponseEntity.of(problem).build();
                        });
    }

    /** The user's newest sessions, newest first (for the usage page; not part of the contract). */
    @GetMapping("/api/sessions")
    List<PricedSession> recent(
            Principal user, @RequestParam(name = "limit", required = false) Integer limit) {
        int max = properties.recentSessions();
        int wanted = limit == null ? max : Math.max(1, Math.min(limit, max));
        return history.recent(user.getName(), wanted);
    }
}
