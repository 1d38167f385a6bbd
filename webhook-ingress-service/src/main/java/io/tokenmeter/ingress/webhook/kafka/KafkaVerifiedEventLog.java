package io.tokenmeter.ingress.webhook.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.ingress.webhook.EventLogUnavailableException;
import io.tokenmeter.ingress.webhook.StripeEventFacts;
import io.tokenmeter.ingress.webhook.VerifiedEvent;
import io.tokenmeter.ingress.webhook.VerifiedEventLog;
import io.tokenmeter.schemas.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Appends verified events to {@code stripe.webhook-events.v1} and waits for the broker's
 * acknowledgement (the producer is idempotent with {@code acks=all}). Sends are asynchronous, so
 * concurrent deliveries share the producer's batches and broker round trips; each request waits
 * only for its own record.
 *
 * <p>Times every append as {@code tokenmeter.webhook.publish{result}}.
 */
public final class KafkaVerifiedEventLog implements VerifiedEventLog {

    private static final Logger log = LoggerFactory.getLogger(KafkaVerifiedEventLog.class);
    private static final String TOPIC = Topics.STRIPE_WEBHOOK_EVENTS.name();

    private final KafkaTemplate<String, StripeWebhookEvent> kafka;
    private final Timer acknowledged;
    private final Timer failed;
    private final Timer timedOut;

    public KafkaVerifiedEventLog(
            KafkaTemplate<String, StripeWebhookEvent> kafka, MeterRegistry meters) {
        this.kafka = kafka;
        this.acknowledged = publishTimer(meters, "acknowledged");
        this.failed = publishTimer(meters, "failed");
        this.timedOut = publishTimer(meters, "timeout");
    }

    private static Timer publishTimer(MeterRegistry meters, String result) {
        return Timer.builder("tokenmeter.webhook.publish")
                .description("Time from handing a verified webhook event to Kafka to its ack")
                .tag("result", result)
                .publishPercentileHistogram()
                .register(meters);
    }

    @Override
    public void append(VerifiedEvent event, Duration timeout) throws EventLogUnavailableException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            var ack = kafka.send(TOPIC, event.key(), toRecord(event));
            ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            acknowledged.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            log.warn(
                    "Kafka did not acknowledge event {} ({}) within {} ms",
                    event.facts().eventId(),
                    event.facts().type(),
                    timeout.toMillis());
            throw new EventLogUnavailableException(
                    "The event could not be stored durably within "
                            + timeout.toMillis()
                            + " ms; retry later.",
                    e);
        } catch (ExecutionException | RuntimeException e) {
            failed.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn(
                    "Kafka refused event {} ({}): {}",
                    event.facts().eventId(),
                    event.facts().type(),
                    cause.toString());
            throw new EventLogUnavailableException(
                    "The event could not be stored durably; retry later.", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventLogUnavailableException(
                    "Interrupted while storing the event; retry later.", e);
        }
    }

    static StripeWebhookEvent toRecord(VerifiedEvent event) {
        StripeEventFacts facts = event.facts();
        return new StripeWebhookEvent(
                facts.eventId(),
                facts.type(),
                facts.created(),
                facts.apiVersion(),
                facts.livemode(),
                facts.customerId(),
                event.receivedAt(),
                event.payload());
    }
}
