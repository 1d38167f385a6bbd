package io.tokenmeter.ingress.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

/**
 * The webhook endpoint's settings ({@code tokenmeter.webhook.*}, bound from the contract's
 * environment variables in {@code application.yml}).
 *
 * @param secrets the accepted endpoint secrets ({@code STRIPE_WEBHOOK_SECRET}, comma-separated:
 *     during a rotation both the old and the new one); blanks are ignored
 * @param tolerance how far a signature's timestamp may be from now, either way ({@code
 *     STRIPE_WEBHOOK_TOLERANCE_SECONDS}, in seconds)
 * @param publishTimeout how long a request waits for Kafka's acknowledgement before answering 503
 * @param retryAfter the {@code Retry-After} sent with a 503
 */
@ConfigurationProperties("tokenmeter.webhook")
public record WebhookProperties(
        @DefaultValue List<String> secrets,
        @DefaultValue("300") @DurationUnit(ChronoUnit.SECONDS) Duration tolerance,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("10s") Duration retryAfter) {

    public WebhookProperties {
        secrets = secrets.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
