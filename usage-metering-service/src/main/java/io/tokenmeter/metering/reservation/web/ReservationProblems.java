package io.tokenmeter.metering.reservation.web;

import io.tokenmeter.metering.reservation.Admission;
import io.tokenmeter.metering.reservation.ReservationRequest.InvalidReservation;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Reservations that could not be made as asked, as RFC 9457 problems. */
@RestControllerAdvice(assignableTypes = ReservationController.class)
class ReservationProblems {

    static final String TYPES = "urn:tokenmeter:problem:reservation/";

    @ExceptionHandler
    ProblemDetail invalid(InvalidReservation e) {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle("Invalid reservation");
        problem.setType(URI.create(TYPES + "invalid"));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail notAdmitted(ReservationController.NotAdmitted e) {
        if (e.admission instanceof Admission.Refused refused) {
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.CONFLICT,
                            "The hold does not fit in the "
                                    + refused.remainingTokens()
                                    + " tokens left on "
                                    + refused.tier()
                                    + ".");
            problem.setTitle("Quota exceeded");
            problem.setType(URI.create(TYPES + "quota-exceeded"));
            problem.setProperty("tier", refused.tier().name());
            problem.setProperty("remaining_tokens", refused.remainingTokens());
            problem.setProperty("next_tier", refused.nextTier().map(Enum::name).orElse(null));
            return problem;
        }
        if (e.admission instanceof Admission.AlreadySettled settled) {
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.CONFLICT,
                            "Session " + settled.sessionId() + " was metered already.");
            problem.setTitle("Already settled");
            problem.setType(URI.create(TYPES + "already-settled"));
            return problem;
        }
        if (e.admission instanceof Admission.HeldForAnotherUser held) {
            ProblemDetail problem =
                    ProblemDetail.forStatusAndDetail(
                            HttpStatus.CONFLICT,
                            "Session " + held.sessionId() + " is held for another user.");
            problem.setTitle("Session held for another user");
            problem.setType(URI.create(TYPES + "held-for-another-user"));
            return problem;
        }
        throw new IllegalStateException("no problem for admission " + e.admission);
    }
}
