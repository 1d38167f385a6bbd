package io.tokenmeter.dashboard.web;

import io.tokenmeter.platform.web.ServiceProblems;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every HTTP error of this service as an RFC 9457 problem ({@link ServiceProblems}). */
@RestControllerAdvice
class ProblemHandling extends ServiceProblems {

    ProblemHandling() {
        super("The dashboard could not answer; try again shortly.");
    }
}
