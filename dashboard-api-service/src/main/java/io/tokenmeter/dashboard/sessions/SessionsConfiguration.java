package io.tokenmeter.dashboard.sessions;

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
