package io.tokenmeter.subscription.checkout;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for the Stripe API: records each form-encoded request and answers
 * with a canned Stripe object, or with a Stripe error when told to fail.
 */
final class StripeApiStub implements AutoCloseable {

    /** A request as the stub received it: path, Authorization header and decoded form fields. */
    record Request(String path, String authorization, Map<String, String> form) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    StripeApiStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/v1/checkout/sessions",
                exchange ->
                        answer(
                                exchange,
                                """
                {"id": "cs_test_stub", "object": "checkout.session", "mode": "subscription",
                 "url": "https://checkout.stripe.com/c/pay/cs_test_stub"}"""));
        server.createContext(
                "/v1/billing_portal/sessions",
                exchange ->
                        answer(
                                exchange,
                                """
                {"id": "bps_stub", "object": "billing_portal.session",
                 "url": "https://billing.stripe.com/p/session/bps_stub"}"""));
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return requests;
    }

    void failing(boolean failing) {
        this.failing = failing;
    }

    private void answer(HttpExchange exchange, String body) throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(
                new Request(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        decode(form)));
        int status = failing ? 400 : 200;
        String response =
                failing
                        ? """
                        {"error": {"type": "invalid_request_error", "code": "resource_missing",
                         "message": "No such price: 'price_pro'"}}"""
                        : body;
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("Request-Id", "req_stub");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> decode(String form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (form.isEmpty()) {
            return fields;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
