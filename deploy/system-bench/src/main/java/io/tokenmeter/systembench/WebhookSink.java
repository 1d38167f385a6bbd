package io.tokenmeter.systembench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The grading application's endpoint in the benchmark: a JDK HTTP server in this JVM that checks
 * each webhook's Standard Webhooks signature, answers {@code 204}, and stamps the arrival under the
 * body's {@code data.user_id}. A webhook with a bad signature is counted, not stamped: the app
 * would refuse it.
 */
final class WebhookSink implements AutoCloseable {

    static final String PATH = "/hooks";

    private final HttpServer server;
    private final ExecutorService workers;
    private final byte[] key;
    private final Arrivals arrivals = new Arrivals();
    private final AtomicLong badSignatures = new AtomicLong();

    private WebhookSink(HttpServer server, ExecutorService workers, String secret) {
        this.server = server;
        this.workers = workers;
        this.key = key(secret);
    }

    static WebhookSink start(int port, String secret) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        // As many as the service posts at once (its webhook.concurrency).
        ExecutorService workers = Executors.newFixedThreadPool(8);
        server.setExecutor(workers);
        WebhookSink sink = new WebhookSink(server, workers, secret);
        server.createContext(PATH, sink::handle);
        server.start();
        return sink;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            if (verifies(
                    key,
                    headers.getFirst("webhook-id"),
                    headers.getFirst("webhook-timestamp"),
                    body,
                    headers.getFirst("webhook-signature"))) {
                String user = userId(body);
                arrivals.record(user == null ? "" : user, System.nanoTime());
            } else {
                badSignatures.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** Per user: how many correctly signed webhooks arrived, when the first did. */
    Arrivals arrivals() {
        return arrivals;
    }

    long badSignatures() {
        return badSignatures.get();
    }

    /** The secret's key: the base64 after {@code whsec_}. */
    static byte[] key(String secret) {
        return Base64.getDecoder().decode(secret.substring(secret.indexOf('_') + 1));
    }

    /**
     * Standard Webhooks' signature: {@code v1,} base64 HMAC-SHA256 of {@code id.timestamp.body}.
     */
    static String sign(byte[] key, String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest =
                    mac.doFinal(
                            (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether one of the header's space-separated signatures is this key's. */
    static boolean verifies(byte[] key, String id, String timestamp, String body, String header) {
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        byte[] expected = sign(key, id, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        for (String signature : header.trim().split(" +")) {
            if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    /** The body's {@code "user_id":"…"} (the service writes compact JSON), null without one. */
    static String userId(String body) {
        String field = "\"user_id\":\"";
        int from = body.indexOf(field);
        if (from < 0) {
            return null;
        }
        from += field.length();
        int to = body.indexOf('"', from);
        return to < 0 ? null : body.substring(from, to);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
