package io.tokenmeter.dashboard.config;

import io.tokenmeter.dashboard.sessions.SessionHistory;
import io.tokenmeter.dashboard.sessions.SessionStore;
import io.tokenmeter.dashboard.status.RecentSessions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the sessions core from its adapters. */
@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    @Bean
    SessionHistory sessionHistory(SessionStore store) {
        return new SessionHistory(store);
    }

    /** The status answer's estimate of sessions left comes from the session history. */
    @Bean
    RecentSessions recentSessions(SessionStore store) {
        return userId -> {
            SessionStore.Tokens latest = store.latestTokens(userId, RecentSessions.COUNT);
            return new RecentSessions.Tokens(latest.sessions(), latest.tokens());
        };
    }
}
