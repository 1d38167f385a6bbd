package io.tokenmeter.platform.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request without a valid bearer token gets a 401 {@code application/problem+json} (CONTRACT §3),
 * with the RFC 6750 {@code WWW-Authenticate} header. The detail says what is wrong, never echoing
 * the token.
 */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    private final BearerTokenAuthenticationEntryPoint bearer =
            new BearerTokenAuthenticationEntryPoint();
    private final JsonMapper json;

    public ProblemAuthenticationEntryPoint(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(
            HttpServletRequest request,
            HttpServletResponse response,
            AuthenticationException failure)
            throws IOException {
        bearer.commence(request, response, failure);
        boolean tokenSent = request.getHeader("Authorization") != null;
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.UNAUTHORIZED,
                        tokenSent
                                ? "The bearer token is invalid or has expired."
                                : "This endpoint needs a bearer token (Authorization: Bearer <JWT>).");
        problem.setTitle("Unauthorized");
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        write(response, json, problem);
    }

    /** Answers with {@code problem}, as {@code application/problem+json}. */
    static void write(HttpServletResponse response, JsonMapper json, ProblemDetail problem)
            throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
