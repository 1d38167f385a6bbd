package io.tokenmeter.ingress.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.ingress.webhook.VerifiedEventLog;
import io.tokenmeter.ingress.webhook.WebhookIngress;
import io.tokenmeter.ingress.webhook.WebhookSignatures;
import io.tokenmeter.ingress.webhook.json.JacksonStripeEventReader;
import io.tokenmeter.ingress.webhook.kafka.KafkaVerifiedEventLog;
import io.tokenmeter.ingress.webhook.stripe.StripeWebhookSignatures;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.ProducerListener;

/** Builds the webhook ingress core and its adapters. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    WebhookSignatures webhookSignatures(WebhookProperties properties) {
        if (properties.secrets().isEmpty()) {
            log.warn(
                    "STRIPE_WEBHOOK_SECRET is not set: every webhook delivery will be refused"
                            + " until it is.");
        } else {
            log.info(
                    "Accepting Stripe webhooks signed with any of {} endpoint secret(s)",
                    properties.secrets().size());
        }
        return new StripeWebhookSignatures(properties.secrets());
    }

    @Bean
    VerifiedEventLog verifiedEventLog(
            KafkaTemplate<String, StripeWebhookEvent> kafka, MeterRegistry meters) {
        return new KafkaVerifiedEventLog(kafka, meters);
    }

    /**
     * Replaces Boot's {@code LoggingProducerListener}, which logs failed records with the start of
     * their value: the webhook body is not for the logs, and {@link KafkaVerifiedEventLog} already
     * logs each failure by event id.
     */
    @Bean
    ProducerListener<Object, Object> producerListener() {
        return new ProducerListener<>() {};
    }

    @Bean
    WebhookIngress webhookIngress(
            WebhookSignatures signatures,
            VerifiedEventLog eventLog,
            Clock clock,
            WebhookProperties properties) {
        return new WebhookIngress(
                signatures,
                new JacksonStripeEventReader(),
                eventLog,
                clock,
                properties.tolerance(),
                properties.publishTimeout());
    }
}
