package io.tokenmeter.platform.security;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.resource.OAuth2ResourceServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.util.StringUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * The rules of a user-facing API (CONTRACT §3.6): every request needs a user's bearer JWT but
 * health, the OpenAPI document, the error page and the service's own public paths; a missing or
 * invalid token is a 401 problem. Stateless: no session, no CSRF token (no cookies are used). The
 * service adds what is its own (CORS, its decoder) and builds the chain.
 */
public final class UserJwtSecurity {

    private UserJwtSecurity() {}

    public static HttpSecurity apiRules(
            HttpSecurity http,
            JsonMapper json,
            Customizer<OAuth2ResourceServerConfigurer<HttpSecurity>.JwtConfigurer> jwt,
            String... publicPaths)
            throws Exception {
        String[] open =
                StringUtils.concatenateStringArrays(
                        ServiceTokenSecurity.ALWAYS_PUBLIC, publicPaths);
        ProblemAuthenticationEntryPoint entryPoint = new ProblemAuthenticationEntryPoint(json);
        return http.authorizeHttpRequests(
                        requests ->
                                requests.requestMatchers(open)
                                        .permitAll()
                                        .anyRequest()
                                        .authenticated())
                .oauth2ResourceServer(
                        server -> server.authenticationEntryPoint(entryPoint).jwt(jwt))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
                .sessionManagement(
                        session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
    }
}
