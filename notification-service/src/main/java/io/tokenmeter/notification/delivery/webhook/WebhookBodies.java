package io.tokenmeter.notification.delivery.webhook;

import io.tokenmeter.notification.alerts.Notification;
import io.tokenmeter.notification.alerts.SubscriptionAlert;
import io.tokenmeter.notification.alerts.UsageAlert;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A notification's webhook body, Standard Webhooks' shape: {@code {"type", "timestamp", "data"}}.
 * Built from the stored notification alone, so that every retry sends the same bytes.
 */
final class WebhookBodies {

    private final JsonMapper json;

    WebhookBodies(JsonMapper json) {
        this.json = json;
    }

    String body(Notification notification) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", notification.kind().webhookType());
        body.put("timestamp", notification.cause().occurredAt().toString());
        body.put("data", data(notification));
        return json.writeValueAsString(body);
    }

    private static Map<String, Object> data(Notification notification) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("notification_id", notification.id());
        if (notification.cause() instanceof UsageAlert usage) {
            data.put("user_id", usage.userId());
            data.put("threshold_percent", usage.thresholdPercent());
            data.put("tokens_used", usage.tokensUsed());
            data.put("limit", usage.limit());
            data.put("tier", usage.tier());
            data.put("period_start", text(usage.periodStart()));
            data.put("renews_at", text(usage.renewsAt()));
            data.put("crossed_at", usage.crossedAt().toString());
        } else if (notification.cause() instanceof SubscriptionAlert change) {
            data.put("user_id", change.userId());
            data.put("change", change.change());
            data.put("tier", change.tier());
            data.put("previous_tier", change.previousTier());
            data.put("status", change.status());
            data.put("period_end", text(change.periodEnd()));
            data.put("changed_at", change.changedAt().toString());
        }
        return data;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
