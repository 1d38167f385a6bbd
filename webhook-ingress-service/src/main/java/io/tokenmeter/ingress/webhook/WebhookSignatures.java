package io.tokenmeter.ingress.webhook;

import java.time.Instant;

/**
 * Port: checks a {@code Stripe-Signature} header against the body it claims to sign, under every
 * endpoint secret currently accepted (several during a secret rotation).
 *
 * <p>A header is {@code t=<unix seconds>,v1=<hex>[,v1=<hex>…]}; it is valid when any {@code v1}
 * equals HMAC-SHA256 of {@code "<t>.<body>"} under any secret. Whether {@code t} is recent enough
 * is the caller's decision, not this port's.
 */
public interface WebhookSignatures {

    Verdict verify(String payload, String signatureHeader);

    /** The result of a signature check. */
    sealed interface Verdict {}

    /** A signature matched; Stripe signed the body at {@code signedAt}. */
    record Signed(Instant signedAt) implements Verdict {}

    /** No signature matched; {@code reason} says why without quoting the header or a secret. */
    record Unsigned(String reason) implements Verdict {}
}
