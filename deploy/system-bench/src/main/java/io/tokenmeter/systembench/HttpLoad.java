package io.tokenmeter.systembench;

import io.tokenmeter.testsupport.KeepAliveHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop HTTP load: {@code connections} threads, each with its own keep-alive connection,
 * sending one request after the other until told to stop; latency per request.
 */
final class HttpLoad {

    /** What one connection sends next; null when it has nothing left. */
    interface Requests {
        byte[] next(int connection, long n);
    }

    record Result(long ok, long failed, double seconds, Latencies latencies, String firstFailure) {

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
     * Runs until every connection ran out of requests or {@code seconds} passed (0: no limit); only
     * answers {@code 2xx} count as ok.
     */
    static Result run(int port, int connections, double seconds, Requests requests)
            throws InterruptedException {
        long deadline = seconds <= 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        String[] firstFailure = new String[1];
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            int connection = c;
            Latencies latencies = new Latencies();
            perThread.add(latencies);
            Thread thread =
                    new Thread(
                            () -> {
                                KeepAliveHttpClient http = new KeepAliveHttpClient(port);
                                for (long n = 0; System.nanoTime() < deadline; n++) {
                                    byte[] request = requests.next(connection, n);
                                    if (request == null) {
                                        break;
                                    }
                                    long sent = System.nanoTime();
                                    try {
                                        int status = http.send(request).status();
                                        latencies.add(System.nanoTime() - sent);
                                        if (status / 100 == 2) {
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
        return new Result(ok.get(), failed.get(), elapsed, all, firstFailure[0]);
    }

    private static synchronized void note(String[] first, String failure) {
        if (first[0] == null) {
            first[0] = failure;
        }
    }
}
