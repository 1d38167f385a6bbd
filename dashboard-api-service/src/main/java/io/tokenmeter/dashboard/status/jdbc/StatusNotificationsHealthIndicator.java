package io.tokenmeter.dashboard.status.jdbc;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code statusNotifications}: UP while this instance hears the other instances' status changes.
 * DOWN means its cached answers may be up to {@code status-cache-ttl} old; not part of the
 * readiness group, since the instance still answers correctly from the database.
 */
@Component
class StatusNotificationsHealthIndicator implements HealthIndicator {

    private final ChangeListener listener;

    StatusNotificationsHealthIndicator(ChangeListener listener) {
        this.listener = listener;
    }

    @Override
    public Health health() {
        Health.Builder health = listener.listening() ? Health.up() : Health.down();
        health.withDetail("channel", listener.channel())
                .withDetail("reconnects", listener.reconnects());
        String failure = listener.lastFailure();
        if (failure != null) {
            health.withDetail("lastFailure", failure);
        }
        return health.build();
    }
}
