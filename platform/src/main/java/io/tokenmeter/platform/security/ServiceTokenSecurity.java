package io.tokenmeter.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OAuth2IntrospectionAuthenticatedPrincipal;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The filter chain of a service-to-service API ({@code /api/**}: metering's quota and reservations,
 * notification's contacts), guarded by one shared bearer token ({@code METERING_API_TOKEN}). Spring
 * Security's own bearer-token authentication does the work: its filter reads the {@code
 * Authorization} header (RFC 6750), the token is checked as an opaque token by comparing it in
 * constant time with the configured one, and a failure answers 401 as problem+json. With no token
 * configured nobody is let in (fail closed).
 */
public final class ServiceTokenSecurity {

    /** What a caller presenting the service token may do. */
    public static final String AUTHORITY = "SERVICE";

    private static final Logger log = LoggerFactory.getLogger(ServiceTokenSecurity.class);

    static final String[] ALWAYS_PUBLIC = {
        "/actuator/**", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/error"
    };

    private ServiceTokenSecurity() {}

    /**
     * {@code /api/**} for holders of {@code apiToken}; health, the OpenAPI document, the error page
     * and {@code publicPaths} for anyone; everything else denied.
     */
    public static SecurityFilterChain apiChain(
            HttpSecurity http, String apiToken, JsonMapper json, String... publicPaths)
            throws Exception {
        String[] open = StringUtils.concatenateStringArrays(ALWAYS_PUBLIC, publicPaths);
        ProblemAuthenticationEntryPoint unauthorized = new ProblemAuthenticationEntryPoint(json);
        return http.authorizeHttpRequests(
                        requests ->
                                requests.requestMatchers(open)
                                        .permitAll()
                                        .requestMatchers("/api/**")
                                        .hasAuthority(AUTHORITY)
                                        .anyRequest()
                                        .denyAll())
                .oauth2ResourceServer(
                        server ->
                                server.bearerTokenResolver(new HeaderBearerTokenResolver())
                                        .authenticationEntryPoint(unauthorized)
                                        .opaqueToken(
                                                token ->
                                                        token.introspector(introspector(apiToken))))
                .exceptionHandling(
                        handling ->
                                handling.authenticationEntryPoint(unauthorized)
                                        .accessDeniedHandler(
                                                (request, response, denied) ->
                                                        ProblemAuthenticationEntryPoint.write(
                                                                response,
                                                                json,
                                                                ProblemDetail.forStatusAndDetail(
                                                                        HttpStatus.FORBIDDEN,
                                                                        "Access denied."))))
                .sessionManagement(
                        session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /** Accepts exactly {@code apiToken}, compared in constant time; nothing when it is unset. */
    static OpaqueTokenIntrospector introspector(String apiToken) {
        byte[] expected =
                apiToken == null || apiToken.isBlank()
                        ? null
                        : apiToken.getBytes(StandardCharsets.UTF_8);
        if (expected == null) {
            log.error("METERING_API_TOKEN is not set: every /api request will be refused");
        }
        OAuth2AuthenticatedPrincipal service =
                new OAuth2IntrospectionAuthenticatedPrincipal(
                        "service",
                        Map.of("sub", "service"),
                        List.of(new SimpleGrantedAuthority(AUTHORITY)));
        return token -> {
            if (expected != null
                    && MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))) {
                return service;
            }
            throw new BadOpaqueTokenException("not the service token");
        };
    }
}
