package io.tokenmeter.platform.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonDelegatingErrorHandler;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Failures in any listener take one of two paths (CONTRACT rule 8):
 *
 * <ul>
 *   <li>a failure of the record (or of what it meets): a few quick retries, then the record goes to
 *       its {@code .DLT} topic with the failure in headers, and the partition moves on. Records
 *       that can never succeed (undecodable, invalid) skip the retries;
 *   <li>the database unreachable, or refusing for a while (connections, timeouts, lock conflicts):
 *       nothing is wrong with the records, so none is dead-lettered. The delivery is retried,
 *       backing off to every {@value #OUTAGE_MAX_INTERVAL_MS} ms, until the database answers;
 *       meanwhile the partition waits. Dead-lettering instead would send every record that arrives
 *       during a database restart to the DLT, to be redriven by hand.
 * </ul>
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
public class KafkaErrorHandlingAutoConfiguration {

    /** Three retries 200 ms apart: enough for a transient database blip, short for a partition. */
    static final FixedBackOff RETRIES = new FixedBackOff(200, 3);

    static final long OUTAGE_MAX_INTERVAL_MS = 5_000;

    /**
     * What a listener throws when the database is down, restarting, out of connections or timing
     * out: Spring's translations of those SQL states, a transaction that could not begin, and one
     * whose commit or rollback failed (a rollback on a dropped connection replaces the listener's
     * own exception with that).
     */
    static final List<Class<? extends Exception>> DATABASE_UNAVAILABLE =
            List.of(
                    DataAccessResourceFailureException.class,
                    TransientDataAccessException.class,
                    CannotCreateTransactionException.class,
                    TransactionSystemException.class);

    /**
     * Whether a listener's own exception is the database being unavailable, which the outage path
     * retries, rather than a failure of the records.
     */
    public static boolean isDatabaseUnavailable(Throwable failure) {
        return DATABASE_UNAVAILABLE.stream().anyMatch(type -> type.isInstance(failure));
    }

    /** 200 ms, doubling to 5 s, for as long as it takes. */
    public static ExponentialBackOff untilTheDatabaseAnswers() {
        ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(OUTAGE_MAX_INTERVAL_MS);
        return backOff;
    }

    /** Named so that its health contributor is {@code kafkaListeners} (liveness group). */
    @Bean
    ListenerContainersHealthIndicator kafkaListenersHealthIndicator() {
        return new ListenerContainersHealthIndicator();
    }

    @Bean
    @ConditionalOnMissingBean
    DeadLetters deadLetters(KafkaOperations<Object, Object> template, MeterRegistry registry) {
        return new DeadLetters(template, registry);
    }

    /**
     * Deliveries retried because the database was unavailable: the consumer lag says a partition
     * waits, this says why.
     */
    public static Counter databaseUnavailableRetries(MeterRegistry registry) {
        return Counter.builder("tokenmeter.kafka.database.unavailable.retries")
                .description("Deliveries retried because the database was unavailable")
                .register(registry);
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    CommonErrorHandler kafkaErrorHandler(DeadLetters deadLetters, MeterRegistry registry) {
        DefaultErrorHandler recordFailures = new DefaultErrorHandler(deadLetters, RETRIES);
        recordFailures.addNotRetryableExceptions(InvalidRecordException.class);
        DefaultErrorHandler outages =
                new DefaultErrorHandler(
                        KafkaErrorHandlingAutoConfiguration::deliverAgain,
                        untilTheDatabaseAnswers());
        // Retries only while the database stays unavailable. A retry that fails for another
        // reason (it is back, and a record is bad) ends them: see deliverAgain.
        outages.defaultFalse();
        outages.setRetryListeners(counting(databaseUnavailableRetries(registry)));
        DATABASE_UNAVAILABLE.forEach(outages::addRetryableExceptions);
        // Picks by the listener's own exception (the cause of the container's
        // ListenerExecutionFailedException). Not by the whole cause chain: spring-kafka's traversal
        // then answers with the outermost exception, whose type matches no delegate.
        CommonDelegatingErrorHandler handler = new CommonDelegatingErrorHandler(recordFailures);
        DATABASE_UNAVAILABLE.forEach(type -> handler.addDelegate(type, outages));
        return handler;
    }

    private static RetryListener counting(Counter retries) {
        return new RetryListener() {
            @Override
            public void failedDelivery(
                    ConsumerRecord<?, ?> record, Exception failure, int attempt) {
                retries.increment();
            }

            @Override
            public void failedDelivery(
                    ConsumerRecords<?, ?> records, Exception failure, int attempt) {
                retries.increment();
            }
        };
    }

    /**
     * Ends an outage's retries by failing to recover: spring-kafka then seeks back, and the next
     * delivery's failure, no longer the database's, takes the record path (which, for a batch
     * listener, commits what precedes the bad record and dead-letters that one only; recovering
     * here would dead-letter the whole batch).
     */
    private static void deliverAgain(ConsumerRecord<?, ?> record, Exception failure) {
        throw new IllegalStateException(
                "the database is back; delivering again to handle: " + failure.getMessage(),
                failure);
    }
}
