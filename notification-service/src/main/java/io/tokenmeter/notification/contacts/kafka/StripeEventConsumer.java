package io.tokenmeter.notification.contacts.kafka;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.StripeEmail;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code stripe.webhook-events.v1} → the addresses Stripe knows, a poll batch per transaction.
 * Records that are not Stripe events with an address are passed over: the subscription service
 * dead-letters what is really broken there.
 */
@Component
class StripeEventConsumer {

    private final ContactBook contacts;
    private final StripeEmails emails;

    StripeEventConsumer(ContactBook contacts, JsonMapper json) {
        this.contacts = contacts;
        this.emails = new StripeEmails(json);
    }

    @KafkaListener(
            id = "notification-stripe-events",
            topics = "#{T(io.tokenmeter.schemas.Topics).STRIPE_WEBHOOK_EVENTS.name()}",
            idIsGroup = false,
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        List<StripeEmail> found = new ArrayList<>();
        for (ConsumerRecord<String, Object> record : records) {
            if (record.value() instanceof StripeWebhookEvent event) {
                emails.in(event).ifPresent(found::add);
            }
        }
        if (!found.isEmpty()) {
            contacts.rememberStripeEmails(found);
        }
    }
}
