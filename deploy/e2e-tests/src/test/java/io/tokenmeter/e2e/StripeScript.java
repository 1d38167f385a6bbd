package io.tokenmeter.e2e;

import io.tokenmeter.testsupport.StripeEvent;
import java.time.Instant;
import java.util.UUID;

/**
 * Stripe's side of one user's story, as real payload shapes (the fixtures) with this user's ids,
 * prices and periods. Checkout uses the 2025-03-31 ("basil") layout, subscriptions and invoices the
 * 2020-03-02 one, so both layouts cross the whole system.
 */
final class StripeScript {

    private final String userId;
    private final String customerId;
    private final String subscriptionId;

    StripeScript(String userId) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        this.userId = userId;
        this.customerId = "cus_e2e_" + suffix;
        this.subscriptionId = "sub_e2e_" + suffix;
    }

    String customerId() {
        return customerId;
    }

    StripeEvent checkoutCompleted(Instant created) {
        return StripeEvent.fixture("checkout.session.completed.event-2025-03-31.basil.json")
                .id(eventId())
                .created(created)
                .set("/data/object/client_reference_id", userId)
                .set("/data/object/customer", customerId)
                .set("/data/object/subscription", subscriptionId)
                .set("/data/object/metadata/user_id", userId);
    }

    StripeEvent subscription(
            String type,
            String priceId,
            String status,
            Instant start,
            Instant end,
            Instant created) {
        String fixture =
                type.equals("customer.subscription.deleted")
                        ? "customer.subscription.deleted.event-2020-03-02.json"
                        : "customer.subscription.updated.event-2020-03-02.json";
        return StripeEvent.fixture(fixture)
                .id(eventId())
                .type(type)
                .created(created)
                .remove("/data/previous_attributes")
                .set("/data/object/id", subscriptionId)
                .set("/data/object/customer", customerId)
                .set("/data/object/status", status)
                .set("/data/object/metadata", java.util.Map.of("user_id", userId))
                .set("/data/object/current_period_start", start.getEpochSecond())
                .set("/data/object/current_period_end", end.getEpochSecond())
                .set("/data/object/items/data/0/price/id", priceId)
                .set("/data/object/items/data/0/plan/id", priceId)
                .set("/data/object/items/data/0/subscription", subscriptionId);
    }

    StripeEvent invoice(
            String type, String billingReason, Instant start, Instant end, Instant created) {
        return invoice(
                type,
                "in_e2e_" + UUID.randomUUID().toString().substring(0, 8),
                billingReason,
                start,
                end,
                created);
    }

    /** An event about invoice {@code invoiceId}: {@code invoice.paid} and its twins share it. */
    StripeEvent invoice(
            String type,
            String invoiceId,
            String billingReason,
            Instant start,
            Instant end,
            Instant created) {
        boolean paid = !type.equals("invoice.payment_failed");
        return StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                .id(eventId())
                .type(type)
                .created(created)
                .set("/data/object/id", invoiceId)
                .set("/data/object/customer", customerId)
                .set("/data/object/subscription", subscriptionId)
                .set("/data/object/billing_reason", billingReason)
                .set("/data/object/paid", paid)
                .set("/data/object/status", paid ? "paid" : "open")
                .set("/data/object/period_start", start.getEpochSecond())
                .set("/data/object/period_end", end.getEpochSecond())
                .set("/data/object/lines/data/0/subscription", subscriptionId)
                .set("/data/object/lines/data/0/period/start", start.getEpochSecond())
                .set("/data/object/lines/data/0/period/end", end.getEpochSecond());
    }

    private static String eventId() {
        return "evt_e2e_" + UUID.randomUUID().toString().replace("-", "");
    }
}
