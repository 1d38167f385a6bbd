package io.tokenmeter.ingress.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * A Stripe event whose signature matched one of our endpoint secrets, with the facts the event log
 * needs and the body exactly as Stripe sent it.
 *
 * @param eventId Stripe's event id ({@code evt_…}), the same on every redelivery
 * @param type the event type, e.g. {@code invoice.payment_succeeded}
 * @param created when Stripe created the event
 * @param apiVersion the Stripe API version the payload is rendered in, if stated
 * @param livemode whether the event comes from live mode
 * @param customerId the Stripe customer the event concerns, if any
 * @param receivedAt when this delivery was verified
 * @param payload the verified body, byte for byte (as UTF-8 text)
 */
public record VerifiedEvent(
        String eventId,
        String type,
        Instant created,
        String apiVersion,
        boolean livemode,
        String customerId,
        Instant receivedAt,
        String payload) {

    public VerifiedEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(payload, "payload");
    }

    /**
     * The partition key: the customer, so that one customer's events stay in order on one
     * partition; the event id for events that concern no customer.
     */
    public String key() {
        return customerId != null ? customerId : eventId;
    }
}
