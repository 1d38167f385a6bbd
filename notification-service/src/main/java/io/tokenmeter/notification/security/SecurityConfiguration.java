package io.tokenmeter.notification.security;

import io.tokenmeter.notification.config.NotificationProperties;
import io.tokenmeter.platform.security.ServiceTokenSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health, the OpenAPI document and the unsubscribe links (signed per user) are public; {@code
 * /api/**} is service-to-service and needs {@code Authorization: Bearer <METERING_API_TOKEN>};
 * anything else is denied. No CSRF tokens: no browser session exists, and a mail client's one-click
 * unsubscribe is a cross-site POST by design (RFC 8058).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http, NotificationProperties properties, JsonMapper json)
            throws Exception {
        return ServiceTokenSecurity.apiChain(http, properties.apiToken(), json, "/unsubscribe/**");
    }
}
