package io.tokenmeter.subscription.checkout.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionCreateParams;
import io.tokenmeter.subscription.checkout.BillingGateway;
import io.tokenmeter.subscription.config.CheckoutProperties;
import io.tokenmeter.subscription.config.StripeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The gateway on stripe-java's {@link StripeClient}, keyed with {@code STRIPE_SECRET_KEY} and
 * pointed at {@code STRIPE_API_BASE} when set (a mock in tests).
 */
@Component
class StripeBillingGateway implements BillingGateway {

    private static final Logger log = LoggerFactory.getLogger(StripeBillingGateway.class);

    private final StripeClient client;
    private final CheckoutProperties frontend;

    StripeBillingGateway(StripeProperties stripe, CheckoutProperties frontend) {
        this.client = client(stripe);
        this.frontend = frontend;
    }

    private static StripeClient client(StripeProperties stripe) {
        if (stripe.secretKey() == null || stripe.secretKey().isBlank()) {
            return null;
        }
        StripeClient.StripeClientBuilder builder =
                StripeClient.builder().setApiKey(stripe.secretKey());
        if (stripe.apiBase() != null && !stripe.apiBase().isBlank()) {
            builder.setApiBase(stripe.apiBase());
        }
        return builder.build();
    }

    @Override
    public CheckoutLink checkout(String userId, String priceId, String customerId) {
        SessionCreateParams params =
                SessionCreateParams.builder()
                        .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                        .addLineItem(
                                SessionCreateParams.LineItem.builder()
                                        .setPrice(priceId)
                                        .setQuantity(1L)
                                        .build())
                        .setClientReferenceId(userId)
                        .putMetadata("user_id", userId)
                        .setSubscriptionData(
                                SessionCreateParams.SubscriptionData.builder()
                                        .putMetadata("user_id", userId)
                                        .build())
                        .setSuccessUrl(
                                frontend.frontend(
                                        "/billing/success?session_id={CHECKOUT_SESSION_ID}"))
                        .setCancelUrl(frontend.frontend("/billing/cancel"))
                        // null (a new customer) leaves the parameter out
                        .setCustomer(customerId)
                        .build();
        try {
            Session session = stripe().v1().checkout().sessions().create(params);
            return new CheckoutLink(session.getUrl(), session.getId());
        } catch (StripeException e) {
            throw failed("create a Checkout Session", e);
        }
    }

    @Override
    public String portal(String customerId) {
        com.stripe.param.billingportal.SessionCreateParams params =
                com.stripe.param.billingportal.SessionCreateParams.builder()
                        .setCustomer(customerId)
                        .setReturnUrl(frontend.frontend("/billing"))
                        .build();
        try {
            return stripe().v1().billingPortal().sessions().create(params).getUrl();
        } catch (StripeException e) {
            throw failed("create a Billing Portal session", e);
        }
    }

    private StripeClient stripe() {
        if (client == null) {
            throw new NotConfiguredException("Stripe is not configured (STRIPE_SECRET_KEY)");
        }
        return client;
    }

    private static StripeCallFailedException failed(String what, StripeException e) {
        log.warn(
                "Stripe refused to {}: {} (status {}, request {})",
                what,
                e.getMessage(),
                e.getStatusCode(),
                e.getRequestId());
        return new StripeCallFailedException("Stripe could not " + what + ".", e);
    }
}
