package io.tokenmeter.notification.delivery.jdbc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Gauges read from the outbox at each scrape: how many notifications wait, and how long the oldest
 * has waited ({@code tokenmeter.notifications.oldest.pending.age}, 0 when none). NaN while the
 * database cannot answer.
 */
class OutboxGauges implements MeterBinder {

    private final JdbcClient jdbc;

    OutboxGauges(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("tokenmeter.notifications.oldest.pending.age", this, OutboxGauges::oldestAge)
                .description("How long the oldest undelivered notification has waited")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("tokenmeter.notifications.pending", this, OutboxGauges::pending)
                .description("Notifications waiting to be delivered, all channels")
                .register(registry);
    }

    double oldestAge() {
        try {
            Timestamp oldest =
                    jdbc.sql("SELECT min(queued_at) FROM deliveries WHERE status = 'PENDING'")
                            .query(Timestamp.class)
                            .single();
            return oldest == null
                    ? 0
                    : Duration.between(oldest.toInstant(), Instant.now()).toMillis() / 1000.0;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    double pending() {
        try {
            return jdbc.sql("SELECT count(*) FROM deliveries WHERE status = 'PENDING'")
                    .query(Long.class)
                    .single();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
