package io.tokenmeter.notification.security;

import io.tokenmeter.notification.config.NotificationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;

/**
 * Health, metrics, the OpenAPI document and the unsubscribe links (signed per user) are public;
 * {@code /api/**} is service-to-service and needs {@code Authorization: Bearer
 * <METERING_API_TOKEN>}; anything else is denied. No CSRF tokens: no browser session exists, and a
 * mail client's one-click unsubscribe is a cross-site POST by design (RFC 8058).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, NotificationProperties properties)
            throws Exception {
        return http.authorizeHttpRequests(
                        requests ->
                                requests.requestMatchers(
                                                "/actuator/**",
                                                "/v3/api-docs/**",
                                                "/swagger-ui/**",
                                                "/swagger-ui.html",
                                                "/error",
                                                "/unsubscribe/**")
                                        .permitAll()
                                        .requestMatchers("/api/**")
                                        .hasRole(ServiceTokenFilter.ROLE)
                                        .anyRequest()
                                        .denyAll())
                .addFilterBefore(
                        new ServiceTokenFilter(properties.apiToken()),
                        AnonymousAuthenticationFilter.class)
                .exceptionHandling(
                        handling ->
                                handling.authenticationEntryPoint(
                                                (request, response, failure) ->
                                                        problem(
                                                                response,
                                                                HttpStatus.UNAUTHORIZED,
                                                                "A valid service bearer token is"
                                                                        + " required."))
                                        .accessDeniedHandler(
                                                (request, response, failure) ->
                                                        problem(
                                                                response,
                                                                HttpStatus.FORBIDDEN,
                                                                "Access denied.")))
                .sessionManagement(
                        session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    private static void problem(
            jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String detail)
            throws java.io.IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getWriter()
                .write(
                        "{\"type\":\"about:blank\",\"title\":\""
                                + status.getReasonPhrase()
                                + "\",\"status\":"
                                + status.value()
                                + ",\"detail\":\""
                                + detail
                                + "\"}");
    }
}
