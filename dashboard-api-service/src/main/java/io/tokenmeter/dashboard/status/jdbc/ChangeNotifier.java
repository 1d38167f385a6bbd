package io.tokenmeter.dashboard.status.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.dashboard.config.DashboardProperties;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Announces whose status changed to every instance listening on the channel ({@link
 * ChangeListener}), from inside the transaction that changed the read model: PostgreSQL delivers a
 * notification only when, and only after, its transaction commits. So an instance never hears of a
 * change it cannot read yet, a rolled-back batch announces nothing, and no crash can separate the
 * change from its announcement. It costs one statement per batch, however many users and payloads,
 * and no commit of its own.
 *
 * <p>While PostgreSQL's notification queue is at least half full (a listener somewhere stopped
 * reading) nothing is announced: a full queue would make every commit carrying a notification fail,
 * and the read model must keep being written. The other instances then serve answers up to {@code
 * status-cache-ttl} old; {@code tokenmeter.dashboard.status.notifications{outcome="skipped"}}
 * counts those payloads.
 */
@Component
public class ChangeNotifier {

    private static final Logger log = LoggerFactory.getLogger(ChangeNotifier.class);

    private static final String NOTIFY =
            """
            SELECT pg_notify(?, payload) FROM unnest(?::text[]) AS payload
            WHERE pg_notification_queue_usage() < 0.5
            """;

    private final JdbcTemplate jdbc;
    private final String channel;
    private final Counter sent;
    private final Counter skipped;
    private final AtomicBoolean skipping = new AtomicBoolean();

    ChangeNotifier(JdbcTemplate jdbc, DashboardProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.channel = properties.statusNotifyChannel();
        this.sent = ChangeListener.notifications(registry, "sent");
        this.skipped = ChangeListener.notifications(registry, "skipped");
    }

    /** Announces {@code userIds} in the current transaction. */
    public void announce(Collection<String> userIds) {
        List<String> payloads = ChangeNotices.payloads(userIds);
        if (payloads.isEmpty()) {
            return;
        }
        int notified =
                jdbc.query(NOTIFY, (rs, row) -> row, channel, payloads.toArray(String[]::new))
                        .size();
        sent.increment(notified);
        if (notified < payloads.size()) {
            skipped.increment(payloads.size() - notified);
            if (skipping.compareAndSet(false, true)) {
                log.warn(
                        "PostgreSQL's notification queue is at least half full (a listener is not"
                                + " reading): other instances are not told of status changes and"
                                + " may serve cached answers up to status-cache-ttl old");
            }
        } else if (skipping.compareAndSet(true, false)) {
            log.info("status changes are announced to other instances again");
        }
    }
}
