package io.tokenmeter.metering.security;

import io.tokenmeter.metering.config.MeteringProperties;
import io.tokenmeter.platform.security.ServiceTokenSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health and the OpenAPI document are public; {@code /api/**} is service-to-service and needs
 * {@code Authorization: Bearer <METERING_API_TOKEN>}; anything else is denied.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http, MeteringProperties properties, JsonMapper json) throws Exception {
        return ServiceTokenSecurity.apiChain(http, properties.apiToken(), json);
    }
}
