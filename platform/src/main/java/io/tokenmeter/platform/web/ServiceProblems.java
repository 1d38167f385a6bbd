package io.tokenmeter.platform.web;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every HTTP error of a service as an RFC 9457 problem: Spring MVC's own exceptions through {@link
 * ResponseEntityExceptionHandler}, anything unexpected as a 500 that names no internals (the
 * failure goes to the log). A service's advice extends it, annotated {@code RestControllerAdvice},
 * and adds the handlers of its own exceptions; being one advice, its more specific handlers win.
 */
public abstract class ServiceProblems extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ServiceProblems.class);

    private final String unexpectedDetail;

    /** {@code unexpectedDetail}: what a 500 tells the caller. */
    protected ServiceProblems(String unexpectedDetail) {
        this.unexpectedDetail = unexpectedDetail;
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception failure, WebRequest request) {
        log.error("unexpected failure answering {}", request.getDescription(false), failure);
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR, unexpectedDetail);
        problem.setType(URI.create("urn:tokenmeter:problem:internal"));
        problem.setTitle("Internal error");
        return problem;
    }
}
