package io.tokenmeter.dashboard.config;

import io.tokenmeter.dashboard.sessions.SessionHistory;
import io.tokenmeter.dashboard.sessions.SessionStore;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/** Builds the sessions core from its adapters, and the session list's ETags. */
@Configuration(proxyBeanMethods = false)
class SessionsConfiguration {

    @Bean
    SessionHistory sessionHistory(SessionStore store) {
        return new SessionHistory(store);
    }

    /** The session list is polled by the usage page: an ETag spares it the body when unchanged. */
    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> sessionListEtags() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter());
        registration.addUrlPatterns("/api/sessions");
        return registration;
    }
}
