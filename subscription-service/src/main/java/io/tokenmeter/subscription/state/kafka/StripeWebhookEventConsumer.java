package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.subscription.state.SubscriptionBook;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Consumes {@code stripe.webhook-events.v1}: each event is parsed and recorded in one database
 * transaction. Failures go to the container's error handler (retries, then the DLT). Test-mode
 * events are skipped unless allowed ({@link TestModeEvents}).
 */
@Component
class StripeWebhookEventConsumer {

    private final StripeEventParser parser = new StripeEventParser();
    private final SubscriptionBook book;
    private final TransactionOperations transactions;
    private final TestModeEvents testMode;

    StripeWebhookEventConsumer(
            SubscriptionBook book, TransactionOperations transactions, TestModeEvents testMode) {
        this.book = book;
        this.transactions = transactions;
        this.testMode = testMode;
    }

    @KafkaListener(topics = "#{T(io.tokenmeter.schemas.Topics).STRIPE_WEBHOOK_EVENTS.name()}")
    void on(StripeWebhookEvent event) {
        if (testMode.refuses(event)) {
            return;
        }
        parser.parse(event)
                .ifPresent(fact -> transactions.executeWithoutResult(status -> book.record(fact)));
    }
}
