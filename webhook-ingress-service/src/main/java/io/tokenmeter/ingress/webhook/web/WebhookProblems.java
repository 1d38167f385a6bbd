package io.tokenmeter.ingress.webhook.web;

import io.tokenmeter.platform.web.ServiceProblems;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The service's HTTP errors as RFC 9457 problems ({@link ServiceProblems}). The webhook's expected
 * refusals are answered by {@link WebhookController} itself.
 */
@RestControllerAdvice
class WebhookProblems extends ServiceProblems {

    private static final Logger log = LoggerFactory.getLogger(WebhookProblems.class);

    WebhookProblems() {
        super("The request could not be handled; it is safe to retry.");
    }

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
}
