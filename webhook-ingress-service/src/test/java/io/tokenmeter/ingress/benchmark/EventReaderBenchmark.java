package io.tokenmeter.ingress.benchmark;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.stripe.model.Event;
import com.stripe.net.ApiResource;
import io.tokenmeter.ingress.webhook.StripeEventReader;
import io.tokenmeter.ingress.webhook.json.JacksonStripeEventReader;
import io.tokenmeter.testsupport.StripeEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Why the ingress reads Stripe events with its own streaming Jackson pass rather than stripe-java's
 * Gson (the subscription service's parser): both read the same real payloads for the facts the
 * ingress needs (id, type, created, livemode, api version, customer), alternately, after a warm-up;
 * prints each one's time per event and the ratio. Not a test (surefire runs {@code *Tests} only):
 *
 * <pre>
 * ./mvnw -B -o -pl webhook-ingress-service -am verify -Dtest=EventReaderBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dbench.n=200000
 * </pre>
 */
class EventReaderBenchmark {

    static final List<String> FIXTURES =
            List.of(
                    "checkout.session.completed.event-2025-03-31.basil.json",
                    "customer.subscription.updated.event-2020-03-02.json",
                    "invoice.paid.event-2020-03-02.json");

    @Test
    void streamingJacksonAgainstStripeJavasGson() {
        int n = Integer.getInteger("bench.n", 200_000);
        List<byte[]> bodies =
                FIXTURES.stream()
                        .map(f -> StripeEvent.fixtureText(f).getBytes(StandardCharsets.UTF_8))
                        .toList();
        StripeEventReader jackson = new JacksonStripeEventReader();
        for (int round = 0; round < 3; round++) {
            long jacksonNanos = time(n, bodies, body -> jackson.read(body).hashCode());
            long gsonNanos = time(n, bodies, EventReaderBenchmark::readWithStripeJava);
            if (round == 2) {
                System.out.printf(
                        "streaming Jackson: %.2f µs/event; stripe-java Gson (naive): %.2f µs/event;"
                                + " ratio %.1fx%n",
                        jacksonNanos / 1e3 / n,
                        gsonNanos / 1e3 / n,
                        (double) gsonNanos / jacksonNanos);
            }
        }
    }

    /** The same facts through stripe-java: its Event, then the data object's customer. */
    static int readWithStripeJava(byte[] body) {
        Event event =
                ApiResource.GSON.fromJson(new String(body, StandardCharsets.UTF_8), Event.class);
        JsonObject object =
                ApiResource.GSON.fromJson(
                        event.getDataObjectDeserializer().getRawJson(), JsonObject.class);
        JsonElement customer = object.get("customer");
        String customerId =
                customer == null || customer.isJsonNull()
                        ? null
                        : customer.isJsonObject()
                                ? customer.getAsJsonObject().get("id").getAsString()
                                : customer.getAsString();
        return (event.getId()
                        + event.getType()
                        + event.getCreated()
                        + event.getLivemode()
                        + event.getApiVersion()
                        + customerId)
                .hashCode();
    }

    interface Reader {
        int read(byte[] body);
    }

    private static long time(int n, List<byte[]> bodies, Reader reader) {
        int sink = 0;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += reader.read(bodies.get(i % bodies.size()));
        }
        long elapsed = System.nanoTime() - start;
        if (sink == 42) {
            System.out.println();
        }
        return elapsed;
    }
}
