package io.tokenmeter.metering.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings ({@code tokenmeter.metering.*}).
 *
 * @param apiToken bearer token callers of {@code /api/usage} present ({@code METERING_API_TOKEN})
 * @param pricingFile the model price table ({@code PRICING_FILE}); {@code classpath:} or a path
 * @param consumer how the session consumer polls
 */
@ConfigurationProperties("tokenmeter.metering")
public record MeteringProperties(String apiToken, String pricingFile, Consumer consumer) {

    /**
     * @param concurrency consumer threads (at most the topic's 6 partitions)
     * @param maxPollRecords sessions per poll, i.e. per metering transaction at most
     */
    public record Consumer(
            int concurrency, int maxPollRecords, int fetchMinBytes, int fetchMaxWaitMs) {}
}
