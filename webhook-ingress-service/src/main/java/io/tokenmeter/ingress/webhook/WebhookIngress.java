package io.tokenmeter.ingress.webhook;

import io.tokenmeter.ingress.webhook.StripeEventReader.Event;
import io.tokenmeter.ingress.webhook.StripeEventReader.NotAnEvent;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Accepted;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Rejected;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Unavailable;
import io.tokenmeter.ingress.webhook.WebhookSignatures.Signed;
import io.tokenmeter.ingress.webhook.WebhookSignatures.Unsigned;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The webhook ingress: a delivery is verified, then handed to the event log, and accepted only once
 * the log has acknowledged it. Nothing is accepted that is not durably stored, and nothing is
 * stored that is not signed by Stripe within the tolerance.
 *
 * <p>The tolerance applies both ways: a signature older than the tolerance is a possible replay,
 * and one from further in the future than the tolerance means a clock is wrong or a header was
 * forged ahead of time.
 */
public final class WebhookIngress {

    private final WebhookSignatures signatures;
    private final StripeEventReader reader;
    private final VerifiedEventLog log;
    private final Clock clock;
    private final Duration tolerance;
    private final Duration publishTimeout;

    public WebhookIngress(
            WebhookSignatures signatures,
            StripeEventReader reader,
            VerifiedEventLog log,
            Clock clock,
            Duration tolerance,
            Duration publishTimeout) {
        this.signatures = Objects.requireNonNull(signatures);
        this.reader = Objects.requireNonNull(reader);
        this.log = Objects.requireNonNull(log);
        this.clock = Objects.requireNonNull(clock);
        if (tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("the signature tolerance must be positive");
        }
        if (publishTimeout.isNegative() || publishTimeout.isZero()) {
            throw new IllegalArgumentException("the publish timeout must be positive");
        }
        this.tolerance = tolerance;
        this.publishTimeout = publishTimeout;
    }

    /** Verifies and stores one delivery: {@code body} as received, the Stripe-Signature header. */
    public WebhookOutcome receive(byte[] body, String signatureHeader) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return new Rejected(Rejection.BAD_SIGNATURE, "The Stripe-Signature header is missing.");
        }
        String payload = utf8(body);
        if (payload == null) {
            return new Rejected(Rejection.MALFORMED, "The body is not UTF-8 text.");
        }
        WebhookSignatures.Verdict verdict = signatures.verify(payload, signatureHeader);
        if (verdict instanceof Unsigned unsigned) {
            return new Rejected(Rejection.BAD_SIGNATURE, unsigned.reason());
        }
        Instant signedAt = ((Signed) verdict).signedAt();
        Instant now = clock.instant();
        Duration age = Duration.between(signedAt, now);
        if (age.abs().compareTo(tolerance) > 0) {
            return new Rejected(
                    Rejection.STALE,
                    "The signature timestamp is more than "
                            + tolerance.toSeconds()
                            + (age.isNegative()
                                    ? " s in the future."
                                    : " s old; Stripe signs every retry afresh."));
        }
        StripeEventReader.Reading reading = reader.read(body);
        if (reading instanceof NotAnEvent notAnEvent) {
            return new Rejected(Rejection.MALFORMED, notAnEvent.reason());
        }
        StripeEventFacts facts = ((Event) reading).facts();
        VerifiedEvent event = new VerifiedEvent(facts, now, payload);
        try {
            log.append(event, publishTimeout);
            return new Accepted(event);
        } catch (EventLogUnavailableException e) {
            return new Unavailable(facts, e.getMessage());
        }
    }

    /** The body as text when it is well-formed UTF-8, else null. */
    private static String utf8(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        // Malformed input decodes to U+FFFD; only then is the (slower) strict check needed.
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
