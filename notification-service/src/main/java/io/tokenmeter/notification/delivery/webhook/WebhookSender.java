package io.tokenmeter.notification.delivery.webhook;

import io.tokenmeter.notification.delivery.Delivery;
import io.tokenmeter.notification.delivery.Outcome;
import io.tokenmeter.notification.delivery.Sender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

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
    private final Clock clock;

    WebhookSender(
            HttpClient client,
            URI endpoint,
            WebhookSignature signature,
            WebhookBodies bodies,
            Duration timeout,
            Clock clock) {
        this.client = client;
        this.endpoint = endpoint;
        this.signature = signature;
        this.bodies = bodies;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public Outcome send(Delivery delivery) {
        if (endpoint == null) {
            return new Outcome.Skipped("no_endpoint");
        }
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
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 200 && status < 300) {
                return new Outcome.Sent();
            }
            return status == 410 ? new Outcome.Failed("gone") : new Outcome.Retry("HTTP " + status);
        } catch (IOException e) {
            return new Outcome.Retry("unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry("interrupted");
        }
    }
}
