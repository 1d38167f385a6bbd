package io.tokenmeter.subscription.state;

/**
 * The Stripe event types that change a subscription, in their tie-break order: when two events
 * carry the same {@code created} second, they are applied in this order. It follows how Stripe
 * emits them within one second: the checkout links the user first, a subscription is created before
 * it is updated, an invoice that fails and then succeeds within a second did so in that order, and
 * a deletion ends everything.
 */
public enum FactKind {
    CHECKOUT_COMPLETED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_UPDATED,
    INVOICE_PAYMENT_FAILED,
    INVOICE_PAID,
    SUBSCRIPTION_DELETED
}
