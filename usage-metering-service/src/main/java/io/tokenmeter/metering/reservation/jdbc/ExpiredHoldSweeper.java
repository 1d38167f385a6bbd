package io.tokenmeter.metering.reservation.jdbc;

import io.tokenmeter.metering.reservation.Reservations;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Deletes expired holds now and then, and measures the tokens held. Reads ignore an expired hold
 * from its {@code expires_at} on, so how late this runs changes nothing but the table's size.
 */
public class ExpiredHoldSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExpiredHoldSweeper.class);
    private static final int BATCH = 1_000;

    private final Reservations reservations;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public ExpiredHoldSweeper(Reservations reservations, Duration interval) {
        this.reservations = reservations;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        executor =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "reservation-sweeper");
                            thread.setDaemon(true);
                            return thread;
                        });
        executor.scheduleWithFixedDelay(
                this::sweep, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int swept;
            do {
                swept = reservations.sweep(BATCH);
            } while (swept == BATCH);
        } catch (RuntimeException e) {
            // The next run tries again; an outage is reported by the database's own health.
            log.warn("sweeping expired reservations failed: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
