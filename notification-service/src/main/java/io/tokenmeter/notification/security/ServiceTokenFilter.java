package io.tokenmeter.notification.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates callers presenting {@code Authorization: Bearer <METERING_API_TOKEN>}, compared in
 * constant time. With no token configured nobody is let in (fail closed).
 */
class ServiceTokenFilter extends OncePerRequestFilter {

    static final String ROLE = "NOTIFICATION_CLIENT";

    private static final Logger log = LoggerFactory.getLogger(ServiceTokenFilter.class);
    private static final String BEARER = "Bearer ";

    private final byte[] expected;

    ServiceTokenFilter(String apiToken) {
        if (apiToken == null || apiToken.isBlank()) {
            log.error(
                    "METERING_API_TOKEN is not set: every /api/notifications request will be refused");
            this.expected = null;
        } else {
            this.expected = apiToken.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    protected void doFilterInternal(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (expected != null
                && header != null
                && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            byte[] presented =
                    header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(expected, presented)) {
                SecurityContextHolder.getContext()
                        .setAuthentication(
                                UsernamePasswordAuthenticationToken.authenticated(
                                        "service-client",
                                        null,
                                        List.of(new SimpleGrantedAuthority("ROLE_" + ROLE))));
            }
        }
        chain.doFilter(request, response);
    }
}
