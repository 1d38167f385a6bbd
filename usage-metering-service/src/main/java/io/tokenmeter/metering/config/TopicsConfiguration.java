package io.tokenmeter.metering.config;

import io.tokenmeter.platform.kafka.TopicDeclarations;
import io.tokenmeter.schemas.Topics;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/** The topics this service produces to and consumes, created at startup if missing. */
@Configuration(proxyBeanMethods = false)
class TopicsConfiguration {

    @Bean
    KafkaAdmin.NewTopics topics() {
        return TopicDeclarations.forService(
                List.of(Topics.USAGE_STATE, Topics.SESSION_COST, Topics.USAGE_THRESHOLD),
                List.of(Topics.SESSION_COMPLETED, Topics.SUBSCRIPTION_STATE));
    }
}
