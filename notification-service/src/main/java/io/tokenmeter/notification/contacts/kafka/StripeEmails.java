package io.tokenmeter.notification.contacts.kafka;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.StripeEmail;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds the customer's address in the Stripe events the ingress stored: a completed checkout's
 * {@code customer_details.email} (the user from {@code client_reference_id}, else {@code
 * metadata.user_id}), an invoice's {@code customer_email} (the user from its subscription's
 * metadata, when present), a customer's {@code email}. Anything else carries no address for us.
 */
final class StripeEmails {

    private static final Set<String> INVOICES =
            Set.of("invoice.payment_succeeded", "invoice.paid", "invoice.payment_failed");
    private static final Set<String> CUSTOMERS = Set.of("customer.created", "customer.updated");

    private final JsonMapper json;

    StripeEmails(JsonMapper json) {
        this.json = json;
    }

    Optional<StripeEmail> in(StripeWebhookEvent event) {
        String type = event.getType();
        if (!type.equals("checkout.session.completed")
                && !INVOICES.contains(type)
                && !CUSTOMERS.contains(type)) {
            return Optional.empty();
        }
        JsonNode object;
        try {
            object = json.readTree(event.getPayload()).path("data").path("object");
        } catch (JacksonException e) {
            // The subscription service owns malformed Stripe payloads; no address in this one.
            return Optional.empty();
        }
        Instant created = event.getCreated();
        if (type.equals("checkout.session.completed")) {
            String user = text(object, "client_reference_id");
            return email(
                    user != null ? user : text(object.path("metadata"), "user_id"),
                    text(object, "customer"),
                    text(object.path("customer_details"), "email"),
                    created);
        }
        if (INVOICES.contains(type)) {
            String user =
                    text(
                            object.path("parent").path("subscription_details").path("metadata"),
                            "user_id");
            if (user == null) {
                user = text(object.path("subscription_details").path("metadata"), "user_id");
            }
            return email(user, text(object, "customer"), text(object, "customer_email"), created);
        }
        return email(null, text(object, "id"), text(object, "email"), created);
    }

    private static Optional<StripeEmail> email(
            String user, String customer, String email, Instant created) {
        if (!Contact.isAddress(email) || (user == null && customer == null)) {
            return Optional.empty();
        }
        return Optional.of(new StripeEmail(user, customer, email, created));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.asString().isBlank() ? value.asString() : null;
    }
}
