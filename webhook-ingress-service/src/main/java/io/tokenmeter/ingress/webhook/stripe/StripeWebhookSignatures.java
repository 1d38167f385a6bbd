package io.tokenmeter.ingress.webhook.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import io.tokenmeter.ingress.webhook.WebhookSignatures;
import java.time.Instant;
import java.util.List;

/**
 * Verifies {@code Stripe-Signature} headers with stripe-java's own verifier, once per accepted
 * endpoint secret. The timestamp window is checked by the caller in both directions, so stripe-java
 * is asked for the signature match only (tolerance 0 turns its one-sided age check off).
 */
public final class StripeWebhookSignatures implements WebhookSignatures {

    private static final long SIGNATURE_ONLY = 0;

    private final List<String> secrets;

    /** {@code secrets}: every endpoint secret currently accepted, e.g. the old and new one. */
    public StripeWebhookSignatures(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    @Override
    public Verdict verify(String payload, String signatureHeader) {
        if (secrets.isEmpty()) {
            return new Unsigned("No webhook signing secret is configured.");
        }
        Long timestamp = timestamp(signatureHeader);
        if (timestamp == null) {
            return new Unsigned("The Stripe-Signature header has no valid timestamp.");
        }
        if (!hasV1Signature(signatureHeader)) {
            return new Unsigned("The Stripe-Signature header has no v1 signature.");
        }
        for (String secret : secrets) {
            try {
                Webhook.Signature.verifyHeader(payload, signatureHeader, secret, SIGNATURE_ONLY);
                return new Signed(Instant.ofEpochSecond(timestamp));
            } catch (SignatureVerificationException e) {
                // Not this secret; try the next one.
            } catch (RuntimeException e) {
                // stripe-java's parser throws on items such as a bare "v1" without a value.
                return new Unsigned("The Stripe-Signature header is malformed.");
            }
        }
        return new Unsigned("No v1 signature in the Stripe-Signature header matches the body.");
    }

    /** The {@code t} element as stripe-java reads it (the first {@code t=}), or null. */
    private static Long timestamp(String header) {
        for (String item : header.split(",", -1)) {
            int equals = item.indexOf('=');
            if (equals > 0 && item.substring(0, equals).equals("t")) {
                try {
                    long seconds = Long.parseLong(item.substring(equals + 1));
                    return seconds > 0 && seconds <= Instant.MAX.getEpochSecond() ? seconds : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            if (item.equals("t")) {
                return null;
            }
        }
        return null;
    }

    /** Whether an item of the header starts with {@code v1=}. */
    private static boolean hasV1Signature(String header) {
        return header.startsWith(Webhook.Signature.EXPECTED_SCHEME + "=")
                || header.contains("," + Webhook.Signature.EXPECTED_SCHEME + "=");
    }
}
