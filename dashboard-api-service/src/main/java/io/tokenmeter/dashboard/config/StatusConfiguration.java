package io.tokenmeter.dashboard.config;

import io.tokenmeter.dashboard.status.RecentSessions;
import io.tokenmeter.dashboard.status.StatusChanges;
import io.tokenmeter.dashboard.status.StatusProjection;
import io.tokenmeter.dashboard.status.StatusReadModel;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Builds the status core from its adapters. */
@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

    @Bean
    StatusProjection statusProjection(
            StatusReadModel readModel, StatusChanges changes, RecentSessions recentSessions) {
        return new StatusProjection(readModel, changes, Clock.systemUTC(), recentSessions);
    }
}
