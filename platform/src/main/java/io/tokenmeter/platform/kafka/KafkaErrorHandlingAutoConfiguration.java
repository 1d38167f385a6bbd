package io.tokenmeter.platform.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Failures in any listener take one path: a few quick retries, then the record goes to its {@code
 * .DLT} topic with the failure in headers, and the partition moves on (CONTRACT rule 8). Records
 * that can never succeed (undecodable, invalid) skip the retries.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
public class KafkaErrorHandlingAutoConfiguration {

    /** Three retries 200 ms apart: enough for a transient database blip, short for a partition. */
    public static final FixedBackOff RETRIES = new FixedBackOff(200, 3);

    @Bean
    @ConditionalOnMissingBean
    DeadLetters deadLetters(KafkaOperations<Object, Object> template, MeterRegistry registry) {
        return new DeadLetters(template, registry);
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler kafkaErrorHandler(DeadLetters deadLetters) {
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, RETRIES);
        handler.addNotRetryableExceptions(InvalidRecordException.class);
        return handler;
    }
}
