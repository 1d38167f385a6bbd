package io.tokenmeter.dashboard.status.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.dashboard.config.DashboardProperties;
import io.tokenmeter.dashboard.status.StatusChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Hears the status changes every instance announces ({@link ChangeNotifier}), its own included, and
 * evicts those users' cached answers: a change applied by another instance's consumer reaches this
 * instance's answers within milliseconds of its commit.
 *
 * <p>It listens on a connection of its own, opened with the pool's URL, credentials and driver
 * properties but outside the pool: it is held for the application's life, and a pooled connection
 * held that long would shrink the pool and be recycled under the listener. The connection shows in
 * {@code pg_stat_activity} as {@value #APPLICATION_NAME}.
 *
 * <p>A notification sent while nobody listened is lost. So whenever the listener (re)connects, once
 * it listens again, every cached answer is dropped; until then answers may be up to {@code
 * status-cache-ttl} old. A lost connection is retried with back-off (100 ms doubling to 5 s); one
 * that died without closing is noticed by a statement after 10 s of silence, answered within 5 s or
 * given up.
 */
@Component("statusNotifications")
class ChangeListener implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ChangeListener.class);

    static final String APPLICATION_NAME = "tokenmeter-dashboard-status-listener";

    /** How long one wait for notifications lasts: bounds how long stopping takes, not latency. */
    private static final int WAIT_MILLIS = 500;

    private static final long HEARTBEAT_NANOS = Duration.ofSeconds(10).toNanos();

    /** How long any statement may wait for the server's answer before the connection is lost. */
    private static final int NETWORK_TIMEOUT_MILLIS = 5_000;

    /** 100 ms doubling to 5 s, for as long as it takes. */
    private static ExponentialBackOff retries() {
        ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
        backOff.setMaxInterval(5_000);
        return backOff;
    }

    private final HikariDataSource pool;
    private final String channel;
    private final StatusChanges changes;
    private final Counter received;
    private final Counter unreadable;
    private final Counter reconnects;
    private volatile boolean running;
    private volatile boolean listening;

    /** Why the last connection attempt or connection failed; null while listening. */
    private volatile String lastFailure;

    private Thread thread;

    ChangeListener(
            DataSource dataSource,
            DashboardProperties properties,
            StatusChanges changes,
            MeterRegistry registry) {
        this.pool = hikari(dataSource);
        this.channel = properties.statusNotifyChannel();
        this.changes = changes;
        this.received = notifications(registry, "received");
        this.unreadable = notifications(registry, "unreadable");
        this.reconnects =
                Counter.builder("tokenmeter.dashboard.status.listener.reconnects")
                        .description(
                                "Times the status change listener listened again after losing its"
                                        + " connection (each drops every cached status answer)")
                        .register(registry);
        Gauge.builder(
                        "tokenmeter.dashboard.status.listener.connected",
                        this,
                        listener -> listener.listening ? 1 : 0)
                .description("1 while the status change listener listens, else 0")
                .register(registry);
    }

    /** The counter of status change notifications with this outcome. */
    static Counter notifications(MeterRegistry registry, String outcome) {
        return Counter.builder("tokenmeter.dashboard.status.notifications")
                .description(
                        "Status change notification payloads: sent or skipped (queue half full) by"
                                + " this instance's consumers; received or unreadable by its"
                                + " listener")
                .tag("outcome", outcome)
                .register(registry);
    }

    /**
     * {@code statusNotifications}: UP while this instance hears the other instances' status
     * changes. DOWN means its cached answers may be up to {@code status-cache-ttl} old; not part of
     * the readiness group, since the instance still answers correctly from the database.
     */
    @Override
    public Health health() {
        Health.Builder health = listening ? Health.up() : Health.down();
        health.withDetail("channel", channel).withDetail("reconnects", (long) reconnects.count());
        String failure = lastFailure;
        if (failure != null) {
            health.withDetail("lastFailure", failure);
        }
        return health.build();
    }

    /**
     * Listens before returning when the database answers, so that an instance starting to serve
     * already hears changes; otherwise keeps trying in the background.
     */
    @Override
    public void start() {
        running = true;
        Connection first = null;
        try {
            first = listen();
        } catch (SQLException e) {
            failed(e);
        }
        Connection connected = first;
        thread = new Thread(() -> run(connected), "status-change-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Starts before and stops after the web server (phases {@code DEFAULT_PHASE - 2048} and up), so
     * that no request is answered from a cache that nobody evicts.
     */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }

    private void run(Connection connected) {
        Connection connection = connected;
        BackOffExecution retry = retries().start();
        while (running) {
            try {
                if (connection == null) {
                    connection = listen();
                    reconnects.increment();
                    log.info(
                            "listening for status changes on '{}' again; dropped every cached"
                                    + " answer",
                            channel);
                }
                retry = retries().start();
                receive(connection);
            } catch (SQLException | RuntimeException e) {
                close(connection);
                connection = null;
                if (running) {
                    failed(e);
                    // stop() wakes it early; an interrupt would end every later pause at once.
                    LockSupport.parkNanos(Duration.ofMillis(retry.nextBackOff()).toNanos());
                    running &= !Thread.currentThread().isInterrupted();
                }
            }
        }
        close(connection);
        listening = false;
    }

    /** Opens the connection and listens; then drops every cached answer (see the class comment). */
    private Connection listen() throws SQLException {
        Connection connection = connect();
        try {
            connection.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
            listenOn(connection);
        } catch (SQLException e) {
            close(connection);
            throw e;
        }
        listening = true;
        lastFailure = null;
        changes.allChanged();
        return connection;
    }

    /** Evicts what it hears until stopped; throws when the connection fails. */
    private void receive(Connection connection) throws SQLException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (running) {
            PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
            if (notifications != null && notifications.length > 0) {
                for (PGNotification notification : notifications) {
                    evict(notification.getParameter());
                }
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > HEARTBEAT_NANOS) {
                // A server gone without closing the connection would otherwise never be noticed.
                // LISTEN again changes nothing, and keeps the session's query showing what it is.
                listenOn(connection);
                quietSince = System.nanoTime();
            }
        }
    }

    private void listenOn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + identifier(channel));
        }
    }

    private void evict(String payload) {
        try {
            if (ChangeNotices.meansEveryone(payload)) {
                changes.allChanged();
            } else {
                changes.changed(ChangeNotices.users(payload));
            }
            received.increment();
        } catch (IllegalArgumentException e) {
            unreadable.increment();
            log.warn(
                    "unreadable status change notification on '{}' ({} characters): dropped every"
                            + " cached answer",
                    channel,
                    payload.length());
            changes.allChanged();
        }
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            properties.setProperty(PGProperty.USER.getName(), pool.getUsername());
        }
        if (pool.getPassword() != null) {
            properties.setProperty(PGProperty.PASSWORD.getName(), pool.getPassword());
        }
        properties.setProperty(PGProperty.APPLICATION_NAME.getName(), APPLICATION_NAME);
        properties.setProperty(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
        properties.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), "5");
        Connection connection = new Driver().connect(pool.getJdbcUrl(), properties);
        if (connection == null) {
            throw new IllegalStateException(
                    "not a PostgreSQL URL, cannot listen for status changes: " + pool.getJdbcUrl());
        }
        return connection;
    }

    private void failed(Exception e) {
        if (listening || lastFailure == null) {
            log.warn(
                    "status change listener on '{}' is not listening, retrying (cached answers may"
                            + " be up to status-cache-ttl old until it listens again): {}",
                    channel,
                    e.toString());
        } else {
            log.debug("status change listener still cannot listen: {}", e.toString());
        }
        listening = false;
        lastFailure = e.toString();
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug(
                        "closing the status change listener's connection failed: {}", e.toString());
            }
        }
    }

    /** A quoted identifier: LISTEN takes one, and must name exactly what pg_notify is given. */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static HikariDataSource hikari(DataSource dataSource) {
        try {
            return dataSource.unwrap(HikariDataSource.class);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "the status change listener connects with the Hikari pool's settings, but the"
                            + " DataSource is a "
                            + dataSource.getClass().getName(),
                    e);
        }
    }
}
