package io.tokenmeter.metering.reservation.web;

import io.tokenmeter.metering.reservation.Admission;
import io.tokenmeter.metering.reservation.AdmissionBatches;
import io.tokenmeter.metering.reservation.Hold;
import io.tokenmeter.metering.reservation.ReservationRequest;
import io.tokenmeter.metering.reservation.ReservationRequest.InvalidReservation;
import io.tokenmeter.metering.reservation.Reservations;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Holds for the grading pipeline (CONTRACT §3.5): reserve before grading, release on abort. */
@RestController
class ReservationController {

    private final Reservations reservations;
    private final AdmissionBatches admissions;

    ReservationController(Reservations reservations, AdmissionBatches admissions) {
        this.reservations = reservations;
        this.admissions = admissions;
    }

    /**
     * Holds tokens for a session: {@code 201} with a new hold, {@code 200} with the session's hold
     * (raised if asked for more and the difference fits), or a {@code 409} problem. Answered
     * asynchronously once the request's admission batch is decided: the request thread goes back to
     * the pool meanwhile, so concurrent requests do not each hold one while they wait.
     */
    @PostMapping("/api/usage/{userId}/reservations")
    CompletableFuture<ResponseEntity<HoldResponse>> reserve(
            @PathVariable String userId, @RequestBody JsonNode body) {
        ReservationRequest request = request(userId, body);
        return admissions.submit(request).thenApply(admission -> answer(userId, admission));
    }

    private static ResponseEntity<HoldResponse> answer(String userId, Admission admission) {
        if (admission instanceof Admission.Granted granted) {
            HoldResponse response = HoldResponse.of(granted.hold(), granted.remainingTokens());
            if (!granted.created()) {
                return ResponseEntity.ok(response);
            }
            return ResponseEntity.created(
                            URI.create(
                                    "/api/usage/"
                                            + encode(userId)
                                            + "/reservations/"
                                            + encode(granted.hold().sessionId())))
                    .body(response);
        }
        throw new NotAdmitted(admission);
    }

    /** Releases the session's hold: {@code 204} whether or not there was one. */
    @DeleteMapping("/api/usage/{userId}/reservations/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void release(@PathVariable String userId, @PathVariable String sessionId) {
        reservations.release(userId, sessionId);
    }

    /** The body, strictly: each known field of its JSON type; other fields are ignored. */
    static ReservationRequest request(String userId, JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidReservation("the body must be a JSON object");
        }
        JsonNode sessionId = body.get("session_id");
        if (sessionId == null || sessionId.isNull()) {
            throw new InvalidReservation("session_id is missing");
        }
        if (!sessionId.isString()) {
            throw new InvalidReservation("session_id must be a string");
        }
        return new ReservationRequest(
                userId,
                sessionId.stringValue(),
                integer(body.get("tokens"), "tokens"),
                body.hasNonNull("ttl_seconds")
                        ? Duration.ofSeconds(integer(body.get("ttl_seconds"), "ttl_seconds"))
                        : null);
    }

    private static long integer(JsonNode value, String name) {
        if (value == null || value.isNull()) {
            throw new InvalidReservation(name + " is missing");
        }
        if (!value.isIntegralNumber()) {
            throw new InvalidReservation(name + " must be an integer");
        }
        if (!value.canConvertToLong()) {
            throw new InvalidReservation(name + " is out of range");
        }
        return value.longValue();
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    record HoldResponse(
            String sessionId, String userId, long tokens, Instant expiresAt, long remainingTokens) {

        static HoldResponse of(Hold hold, long remainingTokens) {
            return new HoldResponse(
                    hold.sessionId(),
                    hold.userId(),
                    hold.tokens(),
                    hold.expiresAt(),
                    remainingTokens);
        }
    }

    /**
     * A reservation that was not admitted: answered as a problem by {@link ReservationProblems}.
     */
    static final class NotAdmitted extends RuntimeException {
        final transient Admission admission;

        NotAdmitted(Admission admission) {
            super(null, null, false, false);
            this.admission = admission;
        }
    }
}
