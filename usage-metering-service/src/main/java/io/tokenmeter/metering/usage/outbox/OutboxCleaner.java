package io.tokenmeter.metering.usage.outbox;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes relayed rows from the outbox, on a thread of its own, so that the relay never waits for
 * it: a delete per relay batch on the relay's thread was a fifth of PostgreSQL's time under load
 * and put its latency on every record behind it.
 *
 * <p>Relayed rows are only garbage: the relay's progress lives in Kafka, and a row left behind (a
 * crash, a delete that was lost) is deleted by the relay's recovery on the next start. So the
 * delete runs at most once per {@link #INTERVAL}, does not wait for its WAL flush ({@code
 * synchronous_commit = off}), and the outbox is vacuumed every {@link #VACUUM_AFTER_ROWS} removed
 * rows: autovacuum would reclaim them, but it can be off (it is on the development machines), and
 * an outbox that only grows makes every relay query slower. A plain VACUUM never blocks writers.
 */
final class OutboxCleaner {

    private static final Logger log = LoggerFactory.getLogger(OutboxCleaner.class);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final long VACUUM_AFTER_ROWS = 200_000;

    private final JdbcTemplate jdbc;
    private volatile long relayed;
    private volatile boolean running;
    private volatile long removed;
    private long removedSinceVacuum;
    private Thread thread;

    OutboxCleaner(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows up to {@code id} are in Kafka (committed) and may go. */
    void relayedUpTo(long id) {
        relayed = id;
    }

    /** Rows up to {@code id} were already removed (by the relay's recovery). */
    void removedUpTo(long id) {
        relayed = id;
        removed = id;
    }

    void start() {
        running = true;
        thread = new Thread(this::run, "outbox-cleaner");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(INTERVAL.toNanos());
            try {
                removeRelayed();
            } catch (RuntimeException e) {
                log.warn("could not remove relayed outbox rows (retried): {}", e.toString());
            }
        }
    }

    private void removeRelayed() {
        long upTo = relayed;
        if (upTo <= removed) {
            return;
        }
        Integer deleted =
                jdbc.execute(
                        (ConnectionCallback<Integer>)
                                connection -> {
                                    boolean autoCommit = connection.getAutoCommit();
                                    connection.setAutoCommit(false);
                                    try (Statement statement = connection.createStatement()) {
                                        statement.execute("set local synchronous_commit = off");
                                        int rows =
                                                statement.executeUpdate(
                                                        "delete from outbox where id <= " + upTo);
                                        connection.commit();
                                        return rows;
                                    } catch (SQLException e) {
                                        connection.rollback();
                                        throw e;
                                    } finally {
                                        connection.setAutoCommit(autoCommit);
                                    }
                                });
        removed = upTo;
        removedSinceVacuum += deleted == null ? 0 : deleted;
        if (removedSinceVacuum >= VACUUM_AFTER_ROWS) {
            jdbc.execute("vacuum outbox");
            removedSinceVacuum = 0;
        }
    }
}
