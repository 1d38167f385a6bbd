package io.tokenmeter.notification.delivery.scheduling;

import io.tokenmeter.notification.config.NotificationProperties;
import io.tokenmeter.notification.delivery.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the dispatcher on {@code senders} threads of its own, apart from the Kafka listeners, so
 * that a slow or unreachable server delays notifications and never a partition. Each thread claims
 * its own batch: one stalled endpoint holds up one thread's batch, not the others. A thread that
 * finds nothing due waits {@code idle-poll}; one that fails (the database unreachable) backs off up
 * to 5 s.
 */
@Component
class DeliveryLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLoop.class);
    private static final Duration MAX_FAILURE_PAUSE = Duration.ofSeconds(5);

    private final Dispatcher dispatcher;
    private final int threads;
    private final Duration idlePoll;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    DeliveryLoop(Dispatcher dispatcher, NotificationProperties properties) {
        this.dispatcher = dispatcher;
        this.threads = properties.delivery().senders();
        this.idlePoll = properties.delivery().idlePoll();
    }

    @Override
    public synchronized void start() {
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, "notification-delivery-" + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofSeconds(15).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        workers.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After the listeners' containers: stops sending before the database pool goes away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    private void work() {
        Duration pause = Duration.ZERO;
        while (running) {
            try {
                int handled = dispatcher.dispatchDue();
                pause = Duration.ZERO;
                if (handled < dispatcher.batchSize()) {
                    Thread.sleep(idlePoll.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                pause = pause.isZero() ? Duration.ofMillis(200) : pause.multipliedBy(2);
                if (pause.compareTo(MAX_FAILURE_PAUSE) > 0) {
                    pause = MAX_FAILURE_PAUSE;
                }
                log.warn(
                        "delivering notifications failed, next try in {}: {}",
                        pause,
                        e.getMessage());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
