package io.tokenmeter.notification.web;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every HTTP error of this service is an RFC 9457 problem: Spring MVC's own exceptions through
 * {@link ResponseEntityExceptionHandler}, anything unexpected as a 500 without a stack trace.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception failure, WebRequest request) {
        log.error("unexpected failure answering {}", request.getDescription(false), failure);
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "The notification service could not answer; try again shortly.");
        problem.setType(URI.create("urn:tokenmeter:problem:internal"));
        return problem;
    }
}
