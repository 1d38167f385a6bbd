package io.tokenmeter.metering.reservation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Gathers concurrent reservations into batches, each decided in one transaction by {@link
 * Reservations#reserveAll}: under a burst, a request waits for the batch in flight and joins the
 * next, so the database sees one round trip and one commit per batch instead of per request, while
 * an idle service answers a lone request at once. A few workers run batches side by side (their
 * users' locks are taken in a fixed order, so they cannot deadlock each other).
 *
 * <p>A batch that fails is tried again request by request, so that one request's failure is its
 * own; when a request fails the way the batch did (the database is down, say), the rest fail with
 * it rather than each waiting for the same outage.
 */
public final class AdmissionBatches implements AutoCloseable {

    private final Reservations reservations;
    private final int maxBatch;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    public AdmissionBatches(Reservations reservations, int workers, int maxBatch) {
        if (workers < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("workers and maxBatch must be positive");
        }
        this.reservations = reservations;
        this.maxBatch = maxBatch;
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(this::work, "reservation-admission-" + i);
            worker.setDaemon(true);
            this.workers.add(worker);
            worker.start();
        }
    }

    /** {@link Reservations#reserve}, decided in a batch with whatever else is waiting. */
    public Admission reserve(ReservationRequest request) {
        try {
            return submit(request).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for admission", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * {@link #reserve} without waiting: the admission, once its batch is decided (completed by a
     * worker; exceptionally as {@link Reservations#reserve} would throw). The HTTP path answers
     * from it, so that no request thread is parked per waiting request.
     */
    public CompletableFuture<Admission> submit(ReservationRequest request) {
        if (closed) {
            throw new IllegalStateException("reservations are shutting down");
        }
        Pending pending = new Pending(request, new CompletableFuture<>());
        queue.add(pending);
        if (closed) {
            failWaiting();
        }
        return pending.result();
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            decide(batch);
            batch.clear();
        }
    }

    private void decide(List<Pending> batch) {
        try {
            List<Admission> admissions =
                    reservations.reserveAll(batch.stream().map(Pending::request).toList());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(admissions.get(i));
            }
        } catch (RuntimeException | Error batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(batchFailure);
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending pending = batch.get(i);
                try {
                    pending.result().complete(reservations.reserve(pending.request()));
                } catch (RuntimeException | Error failure) {
                    pending.result().completeExceptionally(failure);
                    if (failure.getClass() == batchFailure.getClass()) {
                        batch.subList(i + 1, batch.size())
                                .forEach(rest -> rest.result().completeExceptionally(failure));
                        return;
                    }
                }
            }
        }
    }

    /** Stops the workers; requests still waiting fail. */
    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        failWaiting();
    }

    private void failWaiting() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(
                pending ->
                        pending.result()
                                .completeExceptionally(
                                        new IllegalStateException("reservations shut down")));
    }

    private record Pending(ReservationRequest request, CompletableFuture<Admission> result) {}
}
