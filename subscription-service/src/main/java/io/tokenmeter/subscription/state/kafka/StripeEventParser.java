package io.tokenmeter.subscription.state.kafka;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import com.stripe.net.ApiResource;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a verified Stripe event into a {@link StripeFact} with stripe-java's own model classes,
 * whatever the event's API version: stripe-java 33 models the 2026-03-25 layout, so older events
 * are deserialized with {@code deserializeUnsafe()} and the fields that moved in 2025-03-31
 * ("basil") are read from their new place first, then from their old place in the raw JSON:
 *
 * <ul>
 *   <li>a subscription's period: {@code items.data[].current_period_start/end}, else {@code
 *       current_period_start/end};
 *   <li>an invoice's subscription: {@code parent.subscription_details.subscription}, else {@code
 *       subscription}; its user: {@code parent.subscription_details.metadata.user_id}, else {@code
 *       subscription_details.metadata.user_id};
 *   <li>a line's subscription-ness: {@code parent.subscription_item_details} (not a proration),
 *       else {@code type = subscription} (not a proration).
 * </ul>
 *
 * Event types that do not concern subscriptions give nothing; an event of a handled type that
 * cannot be read is an {@link InvalidRecordException}, which dead-letters it with the reason.
 */
public final class StripeEventParser {

    static final String USER_ID = "user_id";

    public Optional<StripeFact> parse(StripeWebhookEvent record) {
        return switch (record.getType()) {
            case "checkout.session.completed" -> checkout(record);
            case "customer.subscription.created" ->
                    subscription(record, FactKind.SUBSCRIPTION_CREATED);
            case "customer.subscription.updated" ->
                    subscription(record, FactKind.SUBSCRIPTION_UPDATED);
            case "customer.subscription.deleted" ->
                    subscription(record, FactKind.SUBSCRIPTION_DELETED);
            case "invoice.paid", "invoice.payment_succeeded" -> invoice(record, true);
            case "invoice.payment_failed" -> invoice(record, false);
            default -> Optional.empty();
        };
    }

    private Optional<StripeFact> checkout(StripeWebhookEvent record) {
        Session session = parsed(record, Session.class).object();
        String userId = session.getClientReferenceId();
        if (blank(userId)) {
            userId = metadata(session.getMetadata());
        }
        if (blank(userId) && session.getCustomer() == null) {
            return Optional.empty();
        }
        return Optional.of(
                new CheckoutCompleted(
                        record.getEventId(),
                        created(record),
                        blank(userId) ? null : userId,
                        session.getCustomer(),
                        session.getSubscription()));
    }

    private Optional<StripeFact> subscription(StripeWebhookEvent record, FactKind kind) {
        Parsed<Subscription> parsed = parsed(record, Subscription.class);
        Subscription subscription = parsed.object();
        JsonObject raw = parsed.raw();
        if (subscription.getId() == null || subscription.getStatus() == null) {
            throw invalid(record, "the subscription has no id or no status");
        }
        List<SubscriptionItem> items =
                subscription.getItems() == null ? null : subscription.getItems().getData();
        SubscriptionItem item = items == null || items.isEmpty() ? null : items.get(0);
        String price =
                item != null && item.getPrice() != null
                        ? item.getPrice().getId()
                        : string(raw, "plan", "id");
        BillingPeriod period =
                item != null && item.getCurrentPeriodStart() != null
                        ? period(item.getCurrentPeriodStart(), item.getCurrentPeriodEnd())
                        : period(
                                number(raw, "current_period_start"),
                                number(raw, "current_period_end"));
        return Optional.of(
                new SubscriptionChanged(
                        record.getEventId(),
                        created(record),
                        kind,
                        subscription.getId(),
                        subscription.getCustomer(),
                        metadata(subscription.getMetadata()),
                        subscription.getStatus(),
                        price,
                        period));
    }

    private Optional<StripeFact> invoice(StripeWebhookEvent record, boolean paid) {
        Parsed<Invoice> parsed = parsed(record, Invoice.class);
        Invoice invoice = parsed.object();
        JsonObject raw = parsed.raw();
        if (invoice.getId() == null) {
            throw invalid(record, "the invoice has no id");
        }
        Invoice.Parent.SubscriptionDetails details =
                invoice.getParent() == null ? null : invoice.getParent().getSubscriptionDetails();
        String subscriptionId =
                details != null && details.getSubscription() != null
                        ? details.getSubscription()
                        : string(raw, "subscription");
        if (subscriptionId == null) {
            // An expanded subscription: the object, not its id.
            subscriptionId = string(raw, "subscription", "id");
        }
        if (subscriptionId == null) {
            return Optional.empty();
        }
        String userId =
                details != null && !blank(metadata(details.getMetadata()))
                        ? metadata(details.getMetadata())
                        : string(raw, "subscription_details", "metadata", USER_ID);
        return Optional.of(
                new InvoicePayment(
                        record.getEventId(),
                        created(record),
                        paid,
                        invoice.getId(),
                        subscriptionId,
                        invoice.getCustomer(),
                        blank(userId) ? null : userId,
                        billedPeriod(invoice, raw)));
    }

    /** The period of the latest non-proration subscription line, or null. */
    private static BillingPeriod billedPeriod(Invoice invoice, JsonObject raw) {
        if (invoice.getLines() == null || invoice.getLines().getData() == null) {
            return null;
        }
        // stripe-java read lines.data, so the raw JSON has it, line for line.
        JsonArray rawLines = raw.getAsJsonObject("lines").getAsJsonArray("data");
        BillingPeriod latest = null;
        for (int i = 0; i < rawLines.size(); i++) {
            InvoiceLineItem line = invoice.getLines().getData().get(i);
            JsonObject rawLine = rawLines.get(i).getAsJsonObject();
            if (!subscriptionLine(line, rawLine) || line.getPeriod() == null) {
                continue;
            }
            BillingPeriod period = period(line.getPeriod().getStart(), line.getPeriod().getEnd());
            if (period != null && (latest == null || period.start().isAfter(latest.start()))) {
                latest = period;
            }
        }
        return latest;
    }

    private static boolean subscriptionLine(InvoiceLineItem line, JsonObject rawLine) {
        if (line.getParent() != null && line.getParent().getSubscriptionItemDetails() != null) {
            return !Boolean.TRUE.equals(
                    line.getParent().getSubscriptionItemDetails().getProration());
        }
        JsonElement proration = rawLine.get("proration");
        return "subscription".equals(string(rawLine, "type"))
                && !(proration != null && proration.isJsonPrimitive() && proration.getAsBoolean());
    }

    private record Parsed<T>(T object, JsonObject raw) {}

    private static <T extends StripeObject> Parsed<T> parsed(
            StripeWebhookEvent record, Class<T> type) {
        Event event;
        try {
            event = ApiResource.GSON.fromJson(record.getPayload(), Event.class);
        } catch (JsonParseException | IllegalStateException e) {
            throw invalid(record, "the payload is not Stripe event JSON: " + e.getMessage());
        }
        if (event == null || event.getData() == null) {
            throw invalid(record, "the payload has no data.object");
        }
        EventDataObjectDeserializer deserializer = event.getDataObjectDeserializer();
        StripeObject object;
        JsonObject raw;
        try {
            // Events of other API versions than stripe-java's own are not "safe" to it (getObject()
            // gives nothing), but their shape is known here: fields that moved are also read from
            // the raw JSON.
            object = deserializer.deserializeUnsafe();
            raw = JsonParser.parseString(deserializer.getRawJson()).getAsJsonObject();
        } catch (EventDataObjectDeserializationException | RuntimeException e) {
            throw invalid(record, "data.object cannot be read: " + e.getMessage());
        }
        if (!type.isInstance(object)) {
            throw invalid(
                    record,
                    "data.object is a "
                            + (object == null ? "null" : object.getClass().getSimpleName())
                            + ", expected a "
                            + type.getSimpleName());
        }
        return new Parsed<>(type.cast(object), raw);
    }

    private static InvalidRecordException invalid(StripeWebhookEvent record, String reason) {
        return new InvalidRecordException(
                "Stripe event " + record.getEventId() + " (" + record.getType() + "): " + reason);
    }

    private static Instant created(StripeWebhookEvent record) {
        // Stripe's created is in seconds; the record carries it in milliseconds.
        return Instant.ofEpochSecond(record.getCreated().getEpochSecond());
    }

    private static BillingPeriod period(Long start, Long end) {
        if (start == null || end == null) {
            return null;
        }
        return new BillingPeriod(Instant.ofEpochSecond(start), Instant.ofEpochSecond(end));
    }

    private static String metadata(Map<String, String> metadata) {
        return metadata == null ? null : metadata.get(USER_ID);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static Long number(JsonObject object, String field) {
        JsonElement value = object.get(field);
        return value == null || !value.isJsonPrimitive() ? null : value.getAsLong();
    }

    private static String string(JsonObject object, String... path) {
        JsonElement node = object;
        for (String part : path) {
            node = node != null && node.isJsonObject() ? node.getAsJsonObject().get(part) : null;
        }
        return node == null || !node.isJsonPrimitive() ? null : node.getAsString();
    }
}
