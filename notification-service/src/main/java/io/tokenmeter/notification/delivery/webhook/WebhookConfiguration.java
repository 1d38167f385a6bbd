package io.tokenmeter.notification.delivery.webhook;

import io.tokenmeter.notification.config.NotificationProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The webhook channel, from {@code NOTIFY_WEBHOOK_URL} and {@code NOTIFY_WEBHOOK_SECRET}. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    @Bean
    WebhookSender webhookSender(NotificationProperties properties, JsonMapper json) {
        NotificationProperties.Webhook webhook = properties.webhook();
        boolean enabled = webhook.url() != null && !webhook.url().isBlank();
        // Secrets are checked only when they will sign something: a placeholder secret in a
        // deployment without an endpoint must not stop the service.
        WebhookSignature signature =
                new WebhookSignature(enabled ? webhook.secretList() : java.util.List.of());
        URI endpoint = null;
        if (!enabled) {
            log.warn("NOTIFY_WEBHOOK_URL is not set: webhooks are skipped (and counted)");
        } else if (!signature.hasKeys()) {
            throw new IllegalStateException(
                    "NOTIFY_WEBHOOK_URL is set but NOTIFY_WEBHOOK_SECRET is not: webhooks must be"
                            + " signed");
        } else {
            endpoint = URI.create(webhook.url());
        }
        HttpClient client =
                HttpClient.newBuilder()
                        .connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        return new WebhookSender(
                client,
                endpoint,
                signature,
                new WebhookBodies(json),
                webhook.timeout(),
                Math.max(1, webhook.concurrency()),
                Clock.systemUTC());
    }
}
