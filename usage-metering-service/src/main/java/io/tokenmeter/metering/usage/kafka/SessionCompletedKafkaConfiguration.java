package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.metering.usage.UsageStore;
import io.tokenmeter.platform.kafka.KafkaErrorHandlingAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;

/**
 * The listener container of {@code grading.session-completed.v1}: Boot's settings, plus a Kafka
 * transaction per batch. A batch that fails (the database is unreachable, say) is rolled back and
 * delivered again a few times; after that its records go to the dead-letter topic, in a transaction
 * that also commits their offsets, as the other listeners' error handler does.
 */
@Configuration(proxyBeanMethods = false)
class SessionCompletedKafkaConfiguration {

    static final String CONTAINER_FACTORY = "sessionCompletedContainerFactory";

    @Bean(CONTAINER_FACTORY)
    ConcurrentKafkaListenerContainerFactory<Object, Object> sessionCompletedContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<Object, Object> consumerFactory,
            MeteredBatchTransactions transactions,
            UsageStore usageStore) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumerFactory);
        factory.getContainerProperties()
                .setKafkaAwareTransactionManager(transactions.transactionManager());
        factory.getContainerProperties()
                .setConsumerRebalanceListener(new DeliveryMarks(usageStore));
        factory.setCommonErrorHandler(null);
        factory.setAfterRollbackProcessor(
                new DefaultAfterRollbackProcessor<>(
                        transactions.deadLetters(),
                        KafkaErrorHandlingAutoConfiguration.RETRIES,
                        transactions.template(),
                        true));
        return factory;
    }
}
