package io.tokenmeter.ingress.webhook;

/** Why a delivery was refused without being stored. */
public enum Rejection {
    /** No {@code v1} signature matches the body under any accepted secret, or none was sent. */
    BAD_SIGNATURE,
    /**
     * Correctly signed, but the signing time is outside the tolerance (a replay or a bad clock).
     */
    STALE,
    /** Correctly signed and recent, but the body is not a Stripe event. */
    MALFORMED
}
