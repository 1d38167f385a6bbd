package io.tokenmeter.dashboard.config;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/** The session list is polled by the usage page: an ETag spares it the body when unchanged. */
@Configuration(proxyBeanMethods = false)
class SessionsWebConfiguration {

    @Bean
    FilterRegistrationBean<ShallowEtagHeaderFilter> sessionListEtags() {
        FilterRegistrationBean<ShallowEtagHeaderFilter> registration =
                new FilterRegistrationBean<>(new ShallowEtagHeaderFilter());
        registration.addUrlPatterns("/api/sessions");
        return registration;
    }
}
