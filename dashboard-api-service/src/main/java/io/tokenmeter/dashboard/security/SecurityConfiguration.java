package io.tokenmeter.dashboard.security;

import io.tokenmeter.dashboard.config.DashboardProperties;
import io.tokenmeter.platform.security.UserJwtSecurity;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health, metrics, the OpenAPI document and the usage page's static files are public; every API
 * call needs a user's bearer JWT (CONTRACT §3.6). Stateless: no session, no CSRF token (no cookies
 * are used). Verified tokens are remembered until they expire ({@link CachingJwtDecoder}).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http,
            JwtDecoder userJwtDecoder,
            JwtAuthenticationConverter converter,
            DashboardProperties properties,
            JsonMapper json)
            throws Exception {
        JwtDecoder decoder =
                properties.tokenCacheSize() > 0
                        ? new CachingJwtDecoder(
                                userJwtDecoder,
                                properties.tokenCacheSize(),
                                properties.tokenCacheTtl(),
                                Clock.systemUTC())
                        : userJwtDecoder;
        return UserJwtSecurity.apiRules(
                        http,
                        json,
                        jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(converter),
                        "/",
                        "/index.html",
                        "/assets/**",
                        "/favicon.svg",
                        "/api/ui/config")
                // Nothing here logs in, logs out or replays a saved request: those filters would
                // only cost time on every API call.
                .requestCache(cache -> cache.disable())
                .logout(logout -> logout.disable())
                .build();
    }
}
