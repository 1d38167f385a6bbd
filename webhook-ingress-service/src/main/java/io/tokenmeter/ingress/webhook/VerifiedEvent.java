package io.tokenmeter.ingress.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * A Stripe event whose signature matched one of our endpoint secrets, with the facts the event log
 * needs and the body exactly as Stripe sent it.
 *
 * @param facts what the ingress read from the body: id, type, created, API version, livemode,
 *     customer
 * @param receivedAt when this delivery was verified
 * @param payload the verified body, byte for byte (as UTF-8 text)
 */
public record VerifiedEvent(StripeEventFacts facts, Instant receivedAt, String payload) {

    public VerifiedEvent {
        Objects.requireNonNull(facts.eventId(), "eventId");
        Objects.requireNonNull(facts.type(), "type");
        Objects.requireNonNull(facts.created(), "created");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The partition key: the customer, so that one customer's events stay in order on one
     * partition; the event id for events that concern no customer.
     */
    public String key() {
        return facts.customerId() != null ? facts.customerId() : facts.eventId();
    }
}
