package io.tokenmeter.notification.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings ({@code tokenmeter.notification.*}).
 *
 * @param apiToken bearer token callers of {@code /api/notifications} present ({@code
 *     METERING_API_TOKEN}, the service token shared with the quota API); it also keys the
 *     unsubscribe links
 * @param mailFrom the emails' From ({@code MAIL_FROM})
 * @param publicBaseUrl where users reach this service, for unsubscribe links ({@code
 *     PUBLIC_BASE_URL})
 * @param frontendUrl the usage page, where mails send users to upgrade or fix a payment
 * @param webhook the grading application's endpoint
 * @param delivery how the outbox is worked off
 */
@ConfigurationProperties("tokenmeter.notification")
public record NotificationProperties(
        String apiToken,
        String mailFrom,
        String publicBaseUrl,
        String frontendUrl,
        Webhook webhook,
        Delivery delivery) {

    /**
     * @param url {@code NOTIFY_WEBHOOK_URL}; blank: no webhooks (each is counted as skipped)
     * @param secrets {@code NOTIFY_WEBHOOK_SECRET}: {@code whsec_<base64>} secrets separated by
     *     commas; each one signs every message, so the receiver can rotate
     * @param timeout how long one webhook call may take before it counts as failed
     */
    public record Webhook(String url, String secrets, Duration timeout, int concurrency) {

        public List<String> secretList() {
            return secrets == null
                    ? List.of()
                    : Arrays.stream(secrets.split(","))
                            .map(String::strip)
                            .filter(secret -> !secret.isEmpty())
                            .toList();
        }
    }

    /**
     * @param batchSize notifications claimed per round
     * @param senders notifications sent at the same time
     * @param idlePoll how often an idle worker looks for due notifications
     * @param lease how long a claimed notification is hidden from other workers; a worker that dies
     *     mid-send leaves it to be sent again after this
     * @param firstRetry the first back-off, doubled after each failed attempt
     * @param maxRetryInterval the longest back-off
     * @param giveUpAfter a notification still not delivered this long after it was queued fails
     * @param staleAfter events older than this when first seen are recorded, not announced
     * @param addressGrace how long an email waits for its user's address (Stripe's event with it
     *     may be consumed just after the state that caused the email) before it is skipped
     */
    public record Delivery(
            int batchSize,
            int senders,
            Duration idlePoll,
            Duration lease,
            Duration firstRetry,
            Duration maxRetryInterval,
            Duration giveUpAfter,
            Duration staleAfter,
            Duration addressGrace) {}
}
