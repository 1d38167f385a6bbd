package io.tokenmeter.notification.delivery.jdbc;

import io.tokenmeter.notification.alerts.jdbc.CauseJson;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The outbox's database adapter. */
@Configuration(proxyBeanMethods = false)
class DeliveryJdbcConfiguration {

    @Bean
    JdbcDeliveryQueue deliveryQueue(
            JdbcClient jdbc, NamedParameterJdbcTemplate named, CauseJson causes) {
        return new JdbcDeliveryQueue(jdbc, named, causes);
    }

    @Bean
    OutboxGauges outboxGauges(JdbcClient jdbc) {
        return new OutboxGauges(jdbc);
    }
}
