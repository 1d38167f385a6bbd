package io.tokenmeter.subscription.state;

import java.time.Instant;

/**
 * What a Stripe event tells about a subscription, parsed from its payload (whatever its API
 * version). Fields Stripe may leave out are {@code null}. {@link #userId()} is set only when the
 * event itself names our user (checkout {@code client_reference_id}, {@code metadata.user_id});
 * such an event links its customer and subscription to that user.
 */
public sealed interface StripeFact {

    String eventId();

    Instant created();

    FactKind kind();

    /** The user the event names itself, or null. */
    String userId();

    String customerId();

    String subscriptionId();

    default FactKey key() {
        return new FactKey(created(), kind(), eventId());
    }

    /**
     * Events with the same identity mean the same thing to us and count once: {@code invoice.paid}
     * and its twin {@code invoice.payment_succeeded} for one invoice. Every other event is its own.
     */
    default String identity() {
        return eventId();
    }

    /**
     * A Checkout Session completed: the user bought a subscription (or at least became a customer).
     */
    record CheckoutCompleted(
            String eventId,
            Instant created,
            String userId,
            String customerId,
            String subscriptionId)
            implements StripeFact {

        @Override
        public FactKind kind() {
            return FactKind.CHECKOUT_COMPLETED;
        }
    }

    /**
     * A subscription was created, updated or deleted ({@code kind} says which); its state as of the
     * event.
     */
    record SubscriptionChanged(
            String eventId,
            Instant created,
            FactKind kind,
            String subscriptionId,
            String customerId,
            String userId,
            String status,
            String price,
            BillingPeriod period)
            implements StripeFact {}

    /**
     * An invoice was paid ({@code invoice.paid} or {@code invoice.payment_succeeded}), or an
     * attempt to pay it failed ({@code invoice.payment_failed}). {@code billedPeriod} is the
     * subscription period it bills (its non-proration subscription line), or null.
     */
    record InvoicePayment(
            String eventId,
            Instant created,
            boolean paid,
            String invoiceId,
            String subscriptionId,
            String customerId,
            String userId,
            BillingPeriod billedPeriod)
            implements StripeFact {

        @Override
        public FactKind kind() {
            return paid ? FactKind.INVOICE_PAID : FactKind.INVOICE_PAYMENT_FAILED;
        }

        /** Both names of one paid invoice count once; every failed attempt is its own. */
        @Override
        public String identity() {
            return paid ? "invoice-paid:" + invoiceId : eventId;
        }
    }
}
