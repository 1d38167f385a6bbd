package io.tokenmeter.systembench;

import io.tokenmeter.testsupport.KeepAliveHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP load: {@code connections} threads, each with its own keep-alive connection, sending one
 * request after the other, either as fast as answers come (closed loop) or each at its time at a
 * fixed rate (open loop); latency per request.
 */
final class HttpLoad {

    /** What one connection sends next; null when it has nothing left. */
    interface Requests {
        byte[] next(int connection, long n);
    }

    /**
     * @param unsent requests of an open loop that were due but not sent when the time was up (their
     *     latency so far is among the latencies: percentiles are then lower bounds)
     */
    record Result(
            long ok,
            long failed,
            long unsent,
            double seconds,
            Latencies latencies,
            String firstFailure) {

        double perSecond() {
            return ok / seconds;
        }
    }

    private HttpLoad() {}

    /**
     * A JSON request ready to write on a keep-alive connection: {@code method path}, one more
     * header line ({@code "Name: value"}), the body.
     */
    static byte[] jsonRequest(String method, String path, String header, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        byte[] head =
                (method
                                + " "
                                + path
                                + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + header
                                + "\r\nContent-Length: "
                                + body.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /**
     * What a connection got back for its request {@code n}, on that connection's thread: whether it
     * is an expected answer (counted ok) or a failure.
     */
    interface Answers {
        boolean answered(int connection, long n, int status);
    }

    static final Answers SUCCESS = (connection, n, status) -> status / 100 == 2;

    /**
     * When each request of an open loop is due: {@code perSecond} requests per second spread evenly
     * over {@code connections}, connection {@code c} sending requests {@code c}, {@code c +
     * connections}, ... of one global sequence, so each connection sends every {@code connections /
     * perSecond} seconds and the connections take turns.
     */
    record Schedule(long startNanos, double perSecond, int connections) {

        long intended(int connection, long n) {
            return startNanos + (long) ((n * connections + connection) * 1e9 / perSecond);
        }
    }

    /**
     * Closed loop: runs until every connection ran out of requests or {@code seconds} passed (0: no
     * limit); only answers {@code 2xx} count as ok.
     */
    static Result run(int port, int connections, double seconds, Requests requests)
            throws InterruptedException {
        return run(port, connections, seconds, requests, SUCCESS);
    }

    /** Closed loop, each answer judged by {@code answers}; latency from each request's send. */
    static Result run(int port, int connections, double seconds, Requests requests, Answers answers)
            throws InterruptedException {
        return load(port, connections, seconds, 0, requests, answers);
    }

    /**
     * Open loop (as wrk2 does): {@code perSecond} requests offered over {@code connections} for
     * {@code seconds}, each at its intended time ({@link Schedule}) or as soon as its connection is
     * free when it is late; latency counted from the intended time, so a slow answer also delays
     * the requests queued behind it (no coordinated omission). Requests still due when the time is
     * up count with the latency they had reached by then; {@link Result#unsent} says how many.
     */
    static Result atRate(
            int port,
            int connections,
            double perSecond,
            double seconds,
            Requests requests,
            Answers answers)
            throws InterruptedException {
        if (perSecond <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("an open loop needs a rate and a duration");
        }
        return load(port, connections, seconds, perSecond, requests, answers);
    }

    private static Result load(
            int port,
            int connections,
            double seconds,
            double perSecond,
            Requests requests,
            Answers answers)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = seconds <= 0 ? Long.MAX_VALUE : start + (long) (seconds * 1e9);
        Schedule schedule = perSecond > 0 ? new Schedule(start, perSecond, connections) : null;
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong unsent = new AtomicLong();
        String[] firstFailure = new String[1];
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            Thread thread =
                    new Thread(
                            () -> {
                                KeepAliveHttpClient http = new KeepAliveHttpClient(port);
                                long n = 0;
                                for (; ; n++) {
                                    long now = System.nanoTime();
                                    long due =
                                            schedule == null
                                                    ? now
                                                    : schedule.intended(connection, n);
                                    if (now >= deadline || due >= deadline) {
                                        break;
                                    }
                                    while (now < due) {
                                        LockSupport.parkNanos(due - now);
                                        now = System.nanoTime();
                                    }
                                    byte[] request = requests.next(connection, n);
                                    if (request == null) {
                                        break;
                                    }
                                    try {
                                        int status = http.send(request).status();
                                        latencies.add(System.nanoTime() - due);
                                        if (answers.answered(connection, n, status)) {
                                            ok.incrementAndGet();
                                        } else {
                                            failed.incrementAndGet();
                                            note(firstFailure, "HTTP " + status);
                                        }
                                    } catch (IOException e) {
                                        failed.incrementAndGet();
                                        note(firstFailure, e.toString());
                                        try {
                                            http.close();
                                        } catch (IOException ignored) {
                                            // reconnects on the next request
                                        }
                                    }
                                }
                                if (schedule != null) {
                                    // Due but never sent: they had waited this long at least.
                                    for (long due = schedule.intended(connection, n);
                                            due < deadline;
                                            due = schedule.intended(connection, ++n)) {
                                        latencies.add(deadline - due);
                                        unsent.incrementAndGet();
                                    }
                                }
                                try {
                                    http.close();
                                } catch (IOException ignored) {
                                    // done anyway
                                }
                            },
                            "load-" + c);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Latencies all = new Latencies();
        perThread.forEach(all::addAll);
        return new Result(ok.get(), failed.get(), unsent.get(), elapsed, all, firstFailure[0]);
    }

    private static synchronized void note(String[] first, String failure) {
        if (first[0] == null) {
            first[0] = failure;
        }
    }
}
