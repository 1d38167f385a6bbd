package io.tokenmeter.notification.delivery.mail;

import io.tokenmeter.notification.alerts.Notification;
import io.tokenmeter.notification.alerts.SubscriptionAlert;
import io.tokenmeter.notification.alerts.UsageAlert;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Which template a notification's email uses, and the values it fills in. */
final class MailContents {

    /** Dates in the emails are French calendar dates, in France's time zone. */
    static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.FRENCH)
                    .withZone(ZoneId.of("Europe/Paris"));

    private final String frontendUrl;

    MailContents(String frontendUrl) {
        this.frontendUrl = frontendUrl;
    }

    String template(Notification notification) {
        if (notification.cause() instanceof UsageAlert usage
                && usage.thresholdPercent() == 100
                && usage.isFree()) {
            return notification.kind().template() + "-free";
        }
        return notification.kind().template();
    }

    Map<String, String> variables(Notification notification, String unsubscribeUrl) {
        Map<String, String> values = new HashMap<>();
        values.put("usage_url", frontendUrl);
        values.put("upgrade_url", frontendUrl);
        values.put("billing_url", frontendUrl);
        values.put("unsubscribe_url", unsubscribeUrl);
        if (notification.cause() instanceof UsageAlert usage) {
            values.put("tokens_used", tokens(usage.tokensUsed()));
            values.put("limit", tokens(usage.limit()));
            values.put("tier", usage.tier());
            values.put(
                    "quota",
                    usage.isFree()
                            ? "l'allocation unique de la formule FREE"
                            : "votre quota pour cette période");
            values.put(
                    "renewal",
                    usage.renewsAt() == null
                            ? "au début de votre prochaine période de facturation"
                            : "le " + DATE.format(usage.renewsAt()));
        } else if (notification.cause() instanceof SubscriptionAlert change) {
            values.put("tier", change.tier());
            values.put("previous_tier", change.previousTier());
        }
        return values;
    }

    /** 1234567 → "1 234 567", French grouping. */
    static String tokens(long count) {
        return String.format(Locale.ROOT, "%,d", count).replace(',', ' ');
    }
}
