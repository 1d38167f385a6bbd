package io.tokenmeter.ingress.webhook;

import java.time.Instant;

/**
 * What the ingress reads from a verified Stripe event body: its identity and the customer it
 * concerns. The rest of the body is carried along untouched.
 *
 * @param customerId {@code data.object.customer} (an id, or an expanded customer's id), or the
 *     object's own id when the object is a customer; null when the event concerns no customer
 */
public record StripeEventFacts(
        String eventId,
        String type,
        Instant created,
        String apiVersion,
        boolean livemode,
        String customerId) {}
