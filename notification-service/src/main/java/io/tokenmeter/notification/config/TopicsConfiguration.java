package io.tokenmeter.notification.config;

import io.tokenmeter.platform.kafka.TopicDeclarations;
import io.tokenmeter.schemas.Topics;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics this service consumes, created at startup if missing. */
@Configuration(proxyBeanMethods = false)
class TopicsConfiguration {

    @Bean
    KafkaAdmin.NewTopics topics() {
        return TopicDeclarations.forService(
                List.of(),
                List.of(
                        Topics.USAGE_THRESHOLD,
                        Topics.SUBSCRIPTION_STATE,
                        Topics.STRIPE_WEBHOOK_EVENTS));
    }
}
