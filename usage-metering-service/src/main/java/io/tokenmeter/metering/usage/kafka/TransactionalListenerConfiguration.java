package io.tokenmeter.metering.usage.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.UsageStore;
import io.tokenmeter.platform.kafka.KafkaErrorHandlingAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;

/**
 * The listener containers of metering's inputs ({@code grading.session-completed.v1} and {@code
 * billing.subscription-state.v1}): Boot's settings, plus a Kafka transaction per batch, in which
 * the batch's announcements and its offsets commit together. A batch that fails (the database or
 * the broker unreachable, say) is rolled back and delivered again, 200 ms doubling to 5 s apart,
 * until it goes through.
 */
@Configuration(proxyBeanMethods = false)
class TransactionalListenerConfiguration {

    static final String CONTAINER_FACTORY = "transactionalContainerFactory";

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> transactionalContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<Object, Object> consumerFactory,
            MeteredBatchTransactions transactions,
            UsageStore usageStore,
            MeterRegistry registry) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumerFactory);
        factory.getContainerProperties()
                .setKafkaAwareTransactionManager(transactions.transactionManager());
        factory.getContainerProperties()
                .setConsumerRebalanceListener(new DeliveryMarks(usageStore));
        factory.setCommonErrorHandler(null);
        // For a batch listener the processor never recovers (dead-letters) a batch: it delivers it
        // again after each back-off, until it goes through. Whatever about one record would fail
        // every delivery is refused before, as invalid (SessionCompletedConsumer).
        factory.setAfterRollbackProcessor(
                new CountingAfterRollbackProcessor(
                        transactions,
                        KafkaErrorHandlingAutoConfiguration.databaseUnavailableRetries(registry)));
        return factory;
    }
}
