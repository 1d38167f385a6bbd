package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.Lifecycles;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import io.tokenmeter.testsupport.StripeEvent;
import java.time.Instant;

/**
 * Renders facts as the Stripe events that carry them, on the real fixtures, in either API layout:
 * {@code basil} (2025-03-31 and later: periods on subscription items, an invoice's subscription
 * under {@code parent}) or the 2020-03-02 one (periods and subscription at top level).
 */
public final class StripeEvents {

    public static final String BASIL = "2025-03-31.basil";
    public static final String OLD = "2020-03-02";

    private StripeEvents() {}

    /** The record the webhook ingress would have put on {@code stripe.webhook-events.v1}. */
    public static StripeWebhookEvent record(StripeEvent event) {
        return StripeWebhookEvent.newBuilder()
                .setEventId(event.text("/id"))
                .setType(event.text("/type"))
                .setCreated(Instant.ofEpochSecond(Long.parseLong(event.text("/created"))))
                .setApiVersion(event.text("/api_version"))
                .setLivemode(false)
                .setCustomerId(event.text("/data/object/customer"))
                .setReceivedAt(Instant.now())
                .setPayload(event.json())
                .build();
    }

    public static StripeWebhookEvent record(StripeFact fact, boolean basil) {
        return record(render(fact, basil));
    }

    public static StripeEvent render(StripeFact fact, boolean basil) {
        if (fact instanceof CheckoutCompleted checkout) {
            return checkout(checkout, basil);
        } else if (fact instanceof SubscriptionChanged change) {
            return subscription(change, basil);
        }
        InvoicePayment invoice = (InvoicePayment) fact;
        String type =
                !invoice.paid()
                        ? "invoice.payment_failed"
                        : invoice.eventId().endsWith(Lifecycles.SUCCEEDED_TWIN)
                                ? "invoice.payment_succeeded"
                                : "invoice.paid";
        return invoice(
                fact,
                type,
                invoice.invoiceId(),
                invoice.billedPeriod(),
                invoice.paid() ? "paid" : "open",
                basil);
    }

    private static StripeEvent checkout(CheckoutCompleted fact, boolean basil) {
        StripeEvent event =
                StripeEvent.fixture(
                                basil
                                        ? "checkout.session.completed.event-2025-03-31.basil.json"
                                        : "checkout.session.completed.event-2020-03-02.json")
                        .set("/data/object/mode", "subscription")
                        .set("/data/object/customer", fact.customerId())
                        .set("/data/object/subscription", fact.subscriptionId());
        // The old layout names the user in metadata only: the parser's fallback.
        if (basil) {
            event.set("/data/object/client_reference_id", fact.userId());
        } else {
            event.set("/data/object/client_reference_id", null)
                    .set("/data/object/metadata/user_id", fact.userId());
        }
        return envelope(event, fact, "checkout.session.completed", basil);
    }

    private static StripeEvent subscription(SubscriptionChanged fact, boolean basil) {
        String fixture =
                fact.kind() == FactKind.SUBSCRIPTION_DELETED
                        ? "customer.subscription.deleted.event-2020-03-02.json"
                        : "customer.subscription.updated.event-2020-03-02.json";
        StripeEvent event =
                StripeEvent.fixture(fixture)
                        .set("/data/object/id", fact.subscriptionId())
                        .set("/data/object/customer", fact.customerId())
                        .set("/data/object/status", fact.status())
                        .set("/data/object/items/data/0/price/id", fact.price())
                        .set("/data/object/items/data/0/plan/id", fact.price())
                        .set("/data/object/items/data/0/subscription", fact.subscriptionId())
                        .set("/data/object/plan/id", fact.price());
        if (fact.userId() != null) {
            event.set("/data/object/metadata/user_id", fact.userId());
        }
        BillingPeriod period = fact.period();
        if (basil) {
            event.remove("/data/object/current_period_start")
                    .remove("/data/object/current_period_end")
                    .remove("/data/object/plan");
            if (period != null) {
                event.set(
                                "/data/object/items/data/0/current_period_start",
                                period.start().getEpochSecond())
                        .set(
                                "/data/object/items/data/0/current_period_end",
                                period.end().getEpochSecond());
            }
        } else if (period != null) {
            event.set("/data/object/current_period_start", period.start().getEpochSecond())
                    .set("/data/object/current_period_end", period.end().getEpochSecond());
        }
        String type =
                switch (fact.kind()) {
                    case SUBSCRIPTION_CREATED -> "customer.subscription.created";
                    case SUBSCRIPTION_UPDATED -> "customer.subscription.updated";
                    case SUBSCRIPTION_DELETED -> "customer.subscription.deleted";
                    default -> throw new IllegalArgumentException(fact.kind().name());
                };
        return envelope(event, fact, type, basil);
    }

    private static StripeEvent invoice(
            StripeFact fact,
            String type,
            String invoiceId,
            BillingPeriod billed,
            String status,
            boolean basil) {
        StripeEvent event =
                StripeEvent.fixture(
                                basil
                                        ? "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json"
                                        : "invoice.paid.event-2020-03-02.json")
                        .set("/data/object/id", invoiceId)
                        .set("/data/object/customer", fact.customerId())
                        .set("/data/object/status", status);
        if (basil) {
            event.set(
                            "/data/object/parent/subscription_details/subscription",
                            fact.subscriptionId())
                    .set(
                            "/data/object/lines/data/0/parent/subscription_item_details/subscription",
                            fact.subscriptionId());
            if (fact.userId() != null) {
                event.set(
                        "/data/object/parent/subscription_details/metadata/user_id", fact.userId());
            }
        } else {
            event.set("/data/object/subscription", fact.subscriptionId())
                    .set("/data/object/lines/data/0/subscription", fact.subscriptionId());
            if (fact.userId() != null) {
                event.set("/data/object/subscription_details/metadata/user_id", fact.userId());
            }
        }
        if (billed != null) {
            event.set("/data/object/lines/data/0/period/start", billed.start().getEpochSecond())
                    .set("/data/object/lines/data/0/period/end", billed.end().getEpochSecond());
        }
        return envelope(event, fact, type, basil);
    }

    private static StripeEvent envelope(
            StripeEvent event, StripeFact fact, String type, boolean basil) {
        return event.id(fact.eventId())
                .type(type)
                .created(fact.created())
                .apiVersion(basil ? BASIL : OLD);
    }
}
