package io.tokenmeter.subscription.web;

import io.tokenmeter.platform.web.ServiceProblems;
import io.tokenmeter.subscription.checkout.BillingGateway.NotConfiguredException;
import io.tokenmeter.subscription.checkout.BillingGateway.StripeCallFailedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every error of this service as an RFC 9457 problem with a readable detail ({@link
 * ServiceProblems}).
 */
@RestControllerAdvice
class ApiProblems extends ServiceProblems {

    ApiProblems() {
        super("The subscription service could not answer; try again shortly.");
    }

    @ExceptionHandler
    ProblemDetail stripeFailed(StripeCallFailedException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.BAD_GATEWAY, e.getMessage() + " Please try again later.");
        problem.setTitle("Stripe is unavailable");
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notConfigured(NotConfiguredException e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Billing is not configured");
        return problem;
    }
}
