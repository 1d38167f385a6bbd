package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.platform.kafka.Batches;
import io.tokenmeter.platform.kafka.TraceParents;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.SubscriptionBook;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Consumes {@code stripe.webhook-events.v1} a polled batch at a time: the batch's events are
 * parsed, then recorded in order in one database transaction, so a burst of new customers costs a
 * commit per batch rather than per event. A record that cannot be read, or that fails alone when
 * the batch is retried record by record ({@link Batches}), goes to the error handler (retries, then
 * the DLT) without the others. Each event is recorded in its own record's trace (a batch listener
 * has no observation per record), so the state it changes is published in that trace. Test-mode
 * events are skipped unless allowed ({@link TestModeEvents}).
 */
@Component
class StripeWebhookEventConsumer {

    private final StripeEventParser parser = new StripeEventParser();
    private final SubscriptionBook book;
    private final TransactionOperations transactions;
    private final TestModeEvents testMode;
    private final TraceParents traces;

    StripeWebhookEventConsumer(
            SubscriptionBook book,
            TransactionOperations transactions,
            TestModeEvents testMode,
            TraceParents traces) {
        this.book = book;
        this.transactions = transactions;
        this.testMode = testMode;
        this.traces = traces;
    }

    /** An event's fact (none when it changes nothing) and the trace it was sent in. */
    private record Traced(Optional<StripeFact> fact, String traceParent) {}

    @KafkaListener(
            topics = "#{T(io.tokenmeter.schemas.Topics).STRIPE_WEBHOOK_EVENTS.name()}",
            batch = "true")
    void on(List<ConsumerRecord<String, Object>> records) {
        Batches.apply(records, StripeWebhookEvent.class, this::fact, this::record);
    }

    private Traced fact(ConsumerRecord<String, Object> record, StripeWebhookEvent event) {
        return new Traced(
                testMode.refuses(event) ? Optional.empty() : parser.parse(event),
                TraceParents.of(record));
    }

    private void record(List<Traced> events) {
        transactions.executeWithoutResult(status -> events.forEach(this::recordInItsTrace));
    }

    private void recordInItsTrace(Traced event) {
        event.fact()
                .ifPresent(
                        fact ->
                                traces.continuing(
                                        event.traceParent(),
                                        "stripe-event",
                                        () -> {
                                            book.record(fact);
                                            return null;
                                        }));
    }
}
