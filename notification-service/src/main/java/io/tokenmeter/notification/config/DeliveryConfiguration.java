package io.tokenmeter.notification.config;

import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.delivery.DeliveryMetrics;
import io.tokenmeter.notification.delivery.DeliveryQueue;
import io.tokenmeter.notification.delivery.Dispatcher;
import io.tokenmeter.notification.delivery.RetryPolicy;
import io.tokenmeter.notification.delivery.Sender;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the delivery core from its adapters. */
@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    Dispatcher dispatcher(
            DeliveryQueue queue,
            @Qualifier("emailSender") Sender email,
            @Qualifier("webhookSender") Sender webhook,
            DeliveryMetrics metrics,
            NotificationProperties properties) {
        NotificationProperties.Delivery settings = properties.delivery();
        return new Dispatcher(
                queue,
                Map.of(Channel.EMAIL, email, Channel.WEBHOOK, webhook),
                new RetryPolicy(
                        settings.firstRetry(), settings.maxRetryInterval(), settings.giveUpAfter()),
                metrics,
                Clock.systemUTC(),
                settings.batchSize(),
                settings.lease());
    }
}
