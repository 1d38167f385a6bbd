package io.tokenmeter.subscription.checkout.web;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.checkout.BillingGateway;
import io.tokenmeter.subscription.checkout.BillingGateway.CheckoutLink;
import io.tokenmeter.subscription.checkout.BillingGateway.NotConfiguredException;
import io.tokenmeter.subscription.state.PriceTiers;
import io.tokenmeter.subscription.state.SubscriptionBook;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Stripe Checkout and Billing Portal for the authenticated user (CONTRACT §3.2). */
@RestController
class CheckoutController {

    private final BillingGateway stripe;
    private final PriceTiers prices;
    private final SubscriptionBook subscriptions;

    CheckoutController(BillingGateway stripe, PriceTiers prices, SubscriptionBook subscriptions) {
        this.stripe = stripe;
        this.prices = prices;
        this.subscriptions = subscriptions;
    }

    /** A Checkout Session for a paid tier; the user's existing Stripe customer is reused. */
    @GetMapping("/api/subscription/checkout/{tier}")
    CheckoutResponse checkout(@PathVariable String tier, @AuthenticationPrincipal Jwt user) {
        Tier paid =
                Tier.forSale(tier)
                        .orElseThrow(
                                () ->
                                        new ResponseStatusException(
                                                HttpStatus.BAD_REQUEST,
                                                "Unknown tier '%s': use essentiel, pro or max."
                                                        .formatted(tier)));
        String price =
                prices.priceOf(paid)
                        .orElseThrow(
                                () ->
                                        new NotConfiguredException(
                                                "No Stripe price is configured for "
                                                        + paid
                                                        + " (STRIPE_PRICE_ID_"
                                                        + paid
                                                        + ")."));
        String userId = user.getSubject();
        CheckoutLink link = stripe.checkout(userId, price, subscriptions.of(userId).customerId());
        return new CheckoutResponse(link.url(), link.sessionId());
    }

    /** A Billing Portal session, for users who have a Stripe customer. */
    @PostMapping("/api/subscription/portal")
    PortalResponse portal(@AuthenticationPrincipal Jwt user) {
        String customer = subscriptions.of(user.getSubject()).customerId();
        if (customer == null) {
            throw new ResponseStatusException(
                    HttpStatus.CONFLICT,
                    "You have no Stripe customer yet: subscribe through checkout first.");
        }
        return new PortalResponse(stripe.portal(customer));
    }

    record CheckoutResponse(String checkoutUrl, String sessionId) {}

    record PortalResponse(String portalUrl) {}
}
