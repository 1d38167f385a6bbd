package io.tokenmeter.notification.alerts.jdbc;

import io.tokenmeter.notification.alerts.Cause;
import io.tokenmeter.notification.alerts.Kind;
import io.tokenmeter.notification.alerts.SubscriptionAlert;
import io.tokenmeter.notification.alerts.UsageAlert;
import tools.jackson.databind.json.JsonMapper;

/** A notification's cause as stored in the outbox: JSON, its type told by the kind. */
public final class CauseJson {

    private final JsonMapper json;

    public CauseJson(JsonMapper json) {
        this.json = json;
    }

    public String write(Cause cause) {
        return json.writeValueAsString(cause);
    }

    public Cause read(Kind kind, String stored) {
        return kind.isUsage()
                ? json.readValue(stored, UsageAlert.class)
                : json.readValue(stored, SubscriptionAlert.class);
    }
}
