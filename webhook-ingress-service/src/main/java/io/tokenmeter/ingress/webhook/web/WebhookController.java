package io.tokenmeter.ingress.webhook.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.tokenmeter.ingress.config.WebhookProperties;
import io.tokenmeter.ingress.webhook.Rejection;
import io.tokenmeter.ingress.webhook.WebhookIngress;
import io.tokenmeter.ingress.webhook.WebhookOutcome;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Accepted;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Rejected;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Unavailable;
import io.tokenmeter.ingress.webhook.web.WebhookMetrics.Outcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/subscription/webhook} (CONTRACT §3.1): Stripe's deliveries, read as raw bytes
 * because the signature covers the body byte for byte. Answers 200 only once the event is durably
 * in Kafka; every refusal is {@code application/problem+json}.
 */
@RestController
class WebhookController {

    /** 1 MiB: Stripe's events are a few KB; anything larger is refused unread. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    /** What Stripe and the Stripe CLI send, checked before parsing anything. */
    private static final String STRIPE_CONTENT_TYPE = "application/json; charset=utf-8";

    /** Pre-serialized: the hot path's answer needs no JSON mapping. */
    private static final byte[] RECEIVED = "{\"received\":true}".getBytes(StandardCharsets.UTF_8);

    private final WebhookIngress ingress;
    private final WebhookMetrics metrics;
    private final String retryAfterSeconds;

    WebhookController(WebhookIngress ingress, MeterRegistry meters, WebhookProperties properties) {
        this.ingress = ingress;
        this.metrics = new WebhookMetrics(meters);
        this.retryAfterSeconds = Long.toString(Math.max(1, properties.retryAfter().toSeconds()));
    }

    @Operation(
            summary = "Receive a Stripe webhook delivery",
            description =
                    "Verifies the Stripe-Signature header against the raw body and answers 200"
                            + " {\"received\": true} only after the event is durably in Kafka.",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE)))
    @PostMapping("/api/subscription/webhook")
    ResponseEntity<?> receive(
            HttpServletRequest request,
            HttpServletResponse response,
            @RequestHeader(name = "Stripe-Signature", required = false) String signature)
            throws IOException {
        if (!isUtf8Json(request.getContentType())) {
            metrics.count(Outcome.UNSUPPORTED_MEDIA_TYPE, null);
            return problem(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Unsupported content type",
                    "Send the Stripe event as application/json in UTF-8.");
        }
        long declaredLength = request.getContentLengthLong();
        byte[] body =
                declaredLength > MAX_BODY_BYTES
                        ? null
                        : readAtMost(request.getInputStream(), declaredLength);
        if (body == null) {
            metrics.count(Outcome.TOO_LARGE, null);
            return problem(
                    HttpStatus.CONTENT_TOO_LARGE,
                    "Body too large",
                    "The body exceeds " + MAX_BODY_BYTES + " bytes.");
        }
        WebhookOutcome outcome = ingress.receive(body, signature);
        if (outcome instanceof Accepted accepted) {
            metrics.count(Outcome.ACCEPTED, accepted.event().facts().type());
            // Written directly: content negotiation and the message converters cost about a tenth
            // of the request's CPU for a constant answer
            // (docs/benchmarks/webhook-ingress-service.md).
            // A null ResponseEntity tells Spring MVC the response is complete.
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setContentLength(RECEIVED.length);
            response.getOutputStream().write(RECEIVED);
            return null;
        }
        if (outcome instanceof Unavailable unavailable) {
            metrics.count(Outcome.UNAVAILABLE, unavailable.facts().type());
            return problem(
                    HttpStatus.SERVICE_UNAVAILABLE, "Event not stored", unavailable.detail());
        }
        Rejected rejected = (Rejected) outcome;
        metrics.count(outcomeOf(rejected.rejection()), null);
        return problem(HttpStatus.BAD_REQUEST, titleOf(rejected.rejection()), rejected.detail());
    }

    /** {@code application/json}, with no charset or UTF-8 (all Stripe and the Stripe CLI send). */
    private static boolean isUtf8Json(String contentType) {
        if (contentType == null) {
            return false;
        }
        if (contentType.equals(MediaType.APPLICATION_JSON_VALUE)
                || contentType.equalsIgnoreCase(STRIPE_CONTENT_TYPE)) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            Charset charset = type.getCharset();
            return type.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)
                    && (charset == null || charset.equals(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // An unparseable type or an unknown charset is not one we accept.
            return false;
        }
    }

    /**
     * The whole body when it is at most {@link #MAX_BODY_BYTES}, else null, having buffered at most
     * one byte more than the limit.
     */
    private static byte[] readAtMost(InputStream in, long declaredLength) throws IOException {
        if (declaredLength >= 0) {
            byte[] body = in.readNBytes((int) declaredLength);
            return in.read() < 0 ? body : null;
        }
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static Outcome outcomeOf(Rejection rejection) {
        return switch (rejection) {
            case BAD_SIGNATURE -> Outcome.BAD_SIGNATURE;
            case STALE -> Outcome.STALE;
            case MALFORMED -> Outcome.MALFORMED;
        };
    }

    private static String titleOf(Rejection rejection) {
        return switch (rejection) {
            case BAD_SIGNATURE -> "Invalid signature";
            case STALE -> "Signature timestamp outside the tolerance";
            case MALFORMED -> "Not a Stripe event";
        };
    }

    /** A refusal as a problem; a 503 says when Stripe may retry. */
    private ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        ResponseEntity.BodyBuilder answer =
                ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            answer.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return answer.body(problem);
    }
}
