package io.tokenmeter.subscription.security;

import io.tokenmeter.platform.security.UserJwtSecurity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Health, metrics and the OpenAPI document are public; every API call needs a user's bearer JWT
 * (CONTRACT §3.6); a missing or invalid one is a 401 problem. Stateless: no session, no CSRF token
 * (no cookies are used).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(
            HttpSecurity http,
            JsonMapper json,
            @Value("${FRONTEND_URL:http://localhost:8080}") String frontendUrl)
            throws Exception {
        return UserJwtSecurity.apiRules(http, json, Customizer.withDefaults())
                .cors(cors -> cors.configurationSource(frontEndOrigins(frontendUrl)))
                .build();
    }

    /**
     * The usage page (served by the dashboard, on another origin) calls checkout and portal from
     * the browser with the user's bearer token: the front end's origins may, no one else.
     */
    static CorsConfigurationSource frontEndOrigins(String frontendUrls) {
        CorsConfiguration configuration = new CorsConfiguration();
        for (String url : frontendUrls.split(",")) {
            if (!url.isBlank()) {
                URI uri = URI.create(url.trim());
                configuration.addAllowedOrigin(
                        uri.getScheme()
                                + "://"
                                + uri.getHost()
                                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
            }
        }
        configuration.setAllowedMethods(List.of("GET", "POST"));
        configuration.setAllowedHeaders(List.of("Authorization", "Content-Type"));
        configuration.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", configuration);
        return source;
    }
}
