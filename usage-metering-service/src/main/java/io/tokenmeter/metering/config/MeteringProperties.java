package io.tokenmeter.metering.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings ({@code tokenmeter.metering.*}). How the session consumer polls
 * ({@code tokenmeter.metering.consumer.*}: concurrency, at most the topic's 6 partitions;
 * max-poll-records, sessions per metering transaction at most) is read by its {@code KafkaListener}
 * as placeholders, not from here.
 *
 * @param apiToken bearer token callers of {@code /api/usage} present ({@code METERING_API_TOKEN})
 * @param pricingFile the model price table ({@code PRICING_FILE}); {@code classpath:} or a path
 */
@ConfigurationProperties("tokenmeter.metering")
public record MeteringProperties(String apiToken, String pricingFile) {}
