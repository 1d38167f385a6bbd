package io.tokenmeter.notification.delivery.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tokenmeter.notification.alerts.AlertMetrics;
import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.alerts.Kind;
import io.tokenmeter.notification.delivery.DeliveryMetrics;
import java.time.Duration;
import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * The notification counters, {@code tokenmeter.notifications.*}: queued, sent, retries, failed and
 * skipped (with a reason), stale causes not told, and the time from cause to delivery.
 */
@Component
class MicrometerDeliveryMetrics implements DeliveryMetrics, AlertMetrics {

    private final MeterRegistry registry;

    MicrometerDeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void queued(Kind kind, Channel channel) {
        counter("tokenmeter.notifications.queued", "Notifications queued", channel)
                .tag("kind", tag(kind))
                .register(registry)
                .increment();
    }

    @Override
    public void stale(Kind kind) {
        Counter.builder("tokenmeter.notifications.stale")
                .description("Causes too old when first seen to be told")
                .tag("kind", tag(kind))
                .register(registry)
                .increment();
    }

    @Override
    public void sent(Channel channel, Duration sinceOccurred) {
        counter("tokenmeter.notifications.sent", "Notifications delivered", channel)
                .register(registry)
                .increment();
        Timer.builder("tokenmeter.notifications.delivery.latency")
                .description("From the cause (crossing, change) to its delivery")
                .tag("channel", tag(channel))
                .register(registry)
                .record(sinceOccurred.isNegative() ? Duration.ZERO : sinceOccurred);
    }

    @Override
    public void retried(Channel channel) {
        counter("tokenmeter.notifications.retries", "Failed attempts to be tried again", channel)
                .register(registry)
                .increment();
    }

    @Override
    public void failed(Channel channel, String reason) {
        counter("tokenmeter.notifications.failed", "Notifications given up", channel)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    @Override
    public void skipped(Channel channel, String reason) {
        counter("tokenmeter.notifications.skipped", "Notifications with nothing to send", channel)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    private static Counter.Builder counter(String name, String description, Channel channel) {
        return Counter.builder(name).description(description).tag("channel", tag(channel));
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
