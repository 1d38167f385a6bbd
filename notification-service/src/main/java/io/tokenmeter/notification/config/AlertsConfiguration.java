package io.tokenmeter.notification.config;

import io.tokenmeter.notification.alerts.AlertMetrics;
import io.tokenmeter.notification.alerts.AlertStore;
import io.tokenmeter.notification.alerts.Alerts;
import io.tokenmeter.notification.alerts.Transactions;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the alerting core from its adapters. */
@Configuration(proxyBeanMethods = false)
class AlertsConfiguration {

    @Bean
    Alerts alerts(
            AlertStore store,
            Transactions transactions,
            AlertMetrics metrics,
            NotificationProperties properties) {
        return new Alerts(
                store,
                transactions,
                metrics,
                Clock.systemUTC(),
                properties.delivery().staleAfter());
    }
}
