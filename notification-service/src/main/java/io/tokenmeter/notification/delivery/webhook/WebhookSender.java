package io.tokenmeter.notification.delivery.webhook;

import io.tokenmeter.notification.delivery.Delivery;
import io.tokenmeter.notification.delivery.Outcome;
import io.tokenmeter.notification.delivery.Sender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Posts notifications to the grading application ({@code NOTIFY_WEBHOOK_URL}), signed per the
 * Standard Webhooks specification. A 2xx is delivered; 410 Gone means the receiver wants no more of
 * this one: stopped and counted; anything else (an error status, a timeout, no connection) is tried
 * again later.
 */
public class WebhookSender implements Sender {

    private final HttpClient client;
    private final URI endpoint;
    private final WebhookSignature signature;
    private final WebhookBodies bodies;
    private final Duration timeout;
    private final int concurrency;
    private final Clock clock;

    WebhookSender(
            HttpClient client,
            URI endpoint,
            WebhookSignature signature,
            WebhookBodies bodies,
            Duration timeout,
            int concurrency,
            Clock clock) {
        this.client = client;
        this.endpoint = endpoint;
        this.signature = signature;
        this.bodies = bodies;
        this.timeout = timeout;
        this.concurrency = concurrency;
        this.clock = clock;
    }

    @Override
    public Outcome send(Delivery delivery) {
        return sendAll(List.of(delivery)).get(0);
    }

    /**
     * Posts up to {@code concurrency} at a time: a batch holds at most one delivery per user (the
     * claim takes each user's oldest), so their order does not matter, and waiting for each answer
     * before the next post left the sender idle for most of a batch.
     */
    @Override
    public List<Outcome> sendAll(List<Delivery> deliveries) {
        if (endpoint == null) {
            return deliveries.stream()
                    .map(delivery -> (Outcome) new Outcome.Skipped("no_endpoint"))
                    .toList();
        }
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        for (int from = 0; from < deliveries.size(); from += concurrency) {
            List<CompletableFuture<Outcome>> inFlight =
                    deliveries
                            .subList(from, Math.min(deliveries.size(), from + concurrency))
                            .stream()
                            .map(this::post)
                            .toList();
            for (CompletableFuture<Outcome> answer : inFlight) {
                outcomes.add(outcome(answer));
            }
        }
        return outcomes;
    }

    private CompletableFuture<Outcome> post(Delivery delivery) {
        String id = delivery.notification().id();
        String body = bodies.body(delivery.notification());
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request =
                HttpRequest.newBuilder(endpoint)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("webhook-id", id)
                        .header("webhook-timestamp", Long.toString(timestamp))
                        .header("webhook-signature", signature.sign(id, timestamp, body))
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> statusOutcome(response.statusCode()));
    }

    private static Outcome statusOutcome(int status) {
        if (status >= 200 && status < 300) {
            return new Outcome.Sent();
        }
        return status == 410 ? new Outcome.Failed("gone") : new Outcome.Retry("HTTP " + status);
    }

    private static Outcome outcome(CompletableFuture<Outcome> answer) {
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Outcome.Retry("unreachable: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            return new Outcome.Retry("interrupted");
        }
    }
}
