package io.tokenmeter.notification.delivery.jdbc;

import io.tokenmeter.notification.alerts.jdbc.CauseJson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The outbox's database adapter. */
@Configuration(proxyBeanMethods = false)
class DeliveryJdbcConfiguration {

    @Bean
    JdbcDeliveryQueue deliveryQueue(
            JdbcClient jdbc,
            NamedParameterJdbcTemplate named,
            CauseJson causes,
            PlatformTransactionManager transactionManager) {
        return new JdbcDeliveryQueue(
                jdbc, named, causes, new TransactionTemplate(transactionManager));
    }

    @Bean
    OutboxGauges outboxGauges(JdbcClient jdbc) {
        return new OutboxGauges(jdbc);
    }
}
