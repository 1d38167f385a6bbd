package io.tokenmeter.ingress.webhook.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts webhook deliveries as {@code tokenmeter.webhook.requests{outcome, type}}. The type is the
 * Stripe event type for verified events and {@code none} before a body is trusted, so an attacker
 * cannot create new time series.
 */
final class WebhookMetrics {

    static final String NO_TYPE = "none";

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void count(Outcome outcome, String type) {
        String tag = type == null ? NO_TYPE : type;
        counters.computeIfAbsent(
                        outcome.tag + '|' + tag,
                        key ->
                                Counter.builder("tokenmeter.webhook.requests")
                                        .description("Stripe webhook deliveries by outcome")
                                        .tag("outcome", outcome.tag)
                                        .tag("type", tag)
                                        .register(meters))
                .increment();
    }

    /** The outcomes; each one's tag value is its name in lower case. */
    enum Outcome {
        ACCEPTED,
        BAD_SIGNATURE,
        STALE,
        MALFORMED,
        TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        UNAVAILABLE;

        final String tag = name().toLowerCase(Locale.ROOT);
    }
}
