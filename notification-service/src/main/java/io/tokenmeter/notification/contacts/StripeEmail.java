package io.tokenmeter.notification.contacts;

import java.time.Instant;
import java.util.Objects;

/**
 * An address Stripe gave in an event, for a user (checkout, an invoice whose subscription names the
 * user) or for a customer (invoices, customers). Used when the app set no contact.
 *
 * @param userId null when the event names the customer only
 * @param customerId null when the event names no customer
 * @param eventCreated the Stripe event's time: the newest address wins
 */
public record StripeEmail(String userId, String customerId, String email, Instant eventCreated) {

    public StripeEmail {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(eventCreated, "eventCreated");
        if (userId == null && customerId == null) {
            throw new IllegalArgumentException("an address for nobody");
        }
    }
}
