package io.tokenmeter.ingress.webhook.web;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The service's HTTP errors as RFC 9457 problems: Spring MVC's own (405, 404, …) through {@link
 * ResponseEntityExceptionHandler}, anything unexpected as a 500 that names no internals. The
 * webhook's expected refusals are answered by {@link WebhookController} itself.
 */
@RestControllerAdvice
class WebhookProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(WebhookProblems.class);

    /** Typically the client hung up mid-body; there is nobody left to tell much. */
    @ExceptionHandler(IOException.class)
    ProblemDetail unreadable(IOException e) {
        log.info("Could not read a request: {}", e.toString());
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.BAD_REQUEST, "The request body could not be read.");
        problem.setTitle("Unreadable request");
        return problem;
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected failure while handling a request", e);
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "The request could not be handled; it is safe to retry.");
        problem.setTitle("Internal error");
        return problem;
    }
}
