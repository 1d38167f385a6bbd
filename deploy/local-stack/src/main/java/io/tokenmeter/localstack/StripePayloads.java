package io.tokenmeter.localstack;

import java.time.Instant;
import java.util.UUID;

/**
 * Stripe event bodies for the demo in the 2025-03-31 ("basil") layout, shaped like the real
 * deliveries in {@code test-support/src/main/resources/stripe} but reduced to what tokenmeter
 * reads.
 */
public final class StripePayloads {

    public static final String API_VERSION = "2025-03-31.basil";

    private StripePayloads() {}

    static String checkoutCompleted(Instant created) {
        return checkoutCompleted(Banner.DEMO_USER, Demo.CUSTOMER, Demo.SUBSCRIPTION, created);
    }

    /** A completed subscription-mode checkout of {@code user} as {@code customer}. */
    public static String checkoutCompleted(
            String user, String customer, String subscription, Instant created) {
        return event(
                "checkout.session.completed",
                created,
                """
                {"id": "cs_demo_%s", "object": "checkout.session", "mode": "subscription",
                 "status": "complete", "payment_status": "paid",
                 "client_reference_id": "%s", "customer": "%s", "subscription": "%s",
                 "metadata": {"user_id": "%s"}}"""
                        .formatted(shortId(), user, customer, subscription, user));
    }

    static String subscription(
            String type, String priceId, Instant periodStart, Instant periodEnd, Instant created) {
        return subscription(
                Banner.DEMO_USER,
                Demo.CUSTOMER,
                Demo.SUBSCRIPTION,
                type,
                priceId,
                periodStart,
                periodEnd,
                created);
    }

    /** A {@code customer.subscription.*} event of {@code user}'s active subscription. */
    public static String subscription(
            String user,
            String customer,
            String subscription,
            String type,
            String priceId,
            Instant periodStart,
            Instant periodEnd,
            Instant created) {
        return event(
                type,
                created,
                """
                {"id": "%s", "object": "subscription", "customer": "%s", "status": "active",
                 "cancel_at_period_end": false, "metadata": {"user_id": "%s"},
                 "start_date": %d,
                 "items": {"object": "list", "data": [
                   {"id": "si_demo", "object": "subscription_item", "quantity": 1,
                    "current_period_start": %d, "current_period_end": %d,
                    "price": {"id": "%s", "object": "price", "currency": "eur",
                              "recurring": {"interval": "month", "interval_count": 1}}}]}}"""
                        .formatted(
                                subscription,
                                customer,
                                user,
                                periodStart.getEpochSecond(),
                                periodStart.getEpochSecond(),
                                periodEnd.getEpochSecond(),
                                priceId));
    }

    static String invoicePaid(
            String billingReason, Instant periodStart, Instant periodEnd, Instant created) {
        return invoicePaid(
                Banner.DEMO_USER,
                Demo.CUSTOMER,
                Demo.SUBSCRIPTION,
                billingReason,
                periodStart,
                periodEnd,
                created);
    }

    /** An {@code invoice.paid} of {@code user}'s subscription for the period given. */
    public static String invoicePaid(
            String user,
            String customer,
            String subscription,
            String billingReason,
            Instant periodStart,
            Instant periodEnd,
            Instant created) {
        return event(
                "invoice.paid",
                created,
                """
                {"id": "in_demo_%s", "object": "invoice", "customer": "%s", "status": "paid",
                 "billing_reason": "%s", "paid": true,
                 "period_start": %d, "period_end": %d,
                 "parent": {"type": "subscription_details", "subscription_details":
                   {"subscription": "%s", "metadata": {"user_id": "%s"}}},
                 "lines": {"object": "list", "data": [
                   {"id": "il_demo", "object": "line_item",
                    "period": {"start": %d, "end": %d},
                    "parent": {"type": "subscription_item_details", "subscription_item_details":
                      {"subscription": "%s", "subscription_item": "si_demo", "proration": false}}}]}}"""
                        .formatted(
                                shortId(),
                                customer,
                                billingReason,
                                periodStart.getEpochSecond(),
                                periodEnd.getEpochSecond(),
                                subscription,
                                user,
                                periodStart.getEpochSecond(),
                                periodEnd.getEpochSecond(),
                                subscription));
    }

    private static String event(String type, Instant created, String object) {
        return """
                {"id": "evt_demo_%s", "object": "event", "api_version": "%s", "created": %d,
                 "livemode": false, "pending_webhooks": 1,
                 "request": {"id": null, "idempotency_key": null}, "type": "%s",
                 "data": {"object": %s}}"""
                .formatted(shortId(), API_VERSION, created.getEpochSecond(), type, object);
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
