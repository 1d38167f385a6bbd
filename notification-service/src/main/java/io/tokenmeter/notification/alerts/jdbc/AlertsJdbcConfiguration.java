package io.tokenmeter.notification.alerts.jdbc;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The alerts' database adapters. */
@Configuration(proxyBeanMethods = false)
class AlertsJdbcConfiguration {

    @Bean
    CauseJson causeJson(JsonMapper json) {
        return new CauseJson(json);
    }

    @Bean
    JdbcAlertStore alertStore(JdbcClient jdbc, CauseJson causes) {
        return new JdbcAlertStore(jdbc, causes);
    }

    @Bean
    SpringTransactions transactions(PlatformTransactionManager transactionManager) {
        return new SpringTransactions(new TransactionTemplate(transactionManager));
    }
}
