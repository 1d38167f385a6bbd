package io.tokenmeter.notification;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP endpoint standing for the grading application: records every webhook it receives and
 * answers with the status the test chose per user (200 unless told otherwise).
 */
final class WebhookReceiver implements AutoCloseable {

    /** A request as received: its headers (lower-case names) and raw body. */
    record Received(Map<String, String> headers, String body, int answeredWith) {

        String header(String name) {
            return headers.get(name);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Function<Integer, Integer>> answers = new ConcurrentHashMap<>();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext(
                "/webhooks",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    Map<String, String> headers = new ConcurrentHashMap<>();
                    exchange.getRequestHeaders()
                            .forEach(
                                    (name, values) ->
                                            headers.put(
                                                    name.toLowerCase(java.util.Locale.ROOT),
                                                    values.get(0)));
                    int status = answerFor(body);
                    received.add(new Received(headers, body, status));
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks";
    }

    /**
     * How to answer webhooks about {@code user}: {@code answer} gets the number of earlier calls
     * about that user and returns the status.
     */
    void answerFor(String user, Function<Integer, Integer> answer) {
        answers.put(user, answer);
    }

    List<Received> about(String user) {
        return received.stream()
                .filter(request -> request.body().contains("\"user_id\":\"" + user + "\""))
                .toList();
    }

    private int answerFor(String body) {
        for (Map.Entry<String, Function<Integer, Integer>> entry : answers.entrySet()) {
            if (body.contains("\"user_id\":\"" + entry.getKey() + "\"")) {
                return entry.getValue().apply(about(entry.getKey()).size());
            }
        }
        return 200;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
