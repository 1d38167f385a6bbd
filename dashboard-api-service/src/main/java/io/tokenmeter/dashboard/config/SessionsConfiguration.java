package io.tokenmeter.dashboard.config;

import io.tokenmeter.dashboard.sessions.SessionHistory;
import io.tokenmeter.dashboard.sessions.SessionStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the sessions core from its adapters. */
@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    @Bean
    SessionHistory sessionHistory(SessionStore store) {
        return new SessionHistory(store);
    }
}
