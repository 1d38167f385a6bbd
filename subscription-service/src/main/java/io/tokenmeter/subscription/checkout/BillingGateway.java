package io.tokenmeter.subscription.checkout;

/** Stripe's hosted pages: Checkout to subscribe, the Billing Portal to manage a subscription. */
public interface BillingGateway {

    /**
     * A Checkout Session in subscription mode for {@code priceId}, carrying the user id as {@code
     * client_reference_id} and {@code subscription_data.metadata.user_id}; for an existing customer
     * when {@code customerId} is not null.
     */
    CheckoutLink checkout(String userId, String priceId, String customerId);

    /** A Billing Portal session's URL for the customer. */
    String portal(String customerId);

    /** Where Checkout sends the user. */
    record CheckoutLink(String url, String sessionId) {}

    /** Stripe could not be reached or refused the call. */
    class StripeCallFailedException extends RuntimeException {
        public StripeCallFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Stripe or the tier's price is not configured on this service. */
    class NotConfiguredException extends RuntimeException {
        public NotConfiguredException(String message) {
            super(message);
        }
    }
}
