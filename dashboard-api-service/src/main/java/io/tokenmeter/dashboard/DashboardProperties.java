package io.tokenmeter.dashboard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's own settings ({@code tokenmeter.dashboard.*}).
 *
 * @param subscriptionServiceUrl where the usage page sends the browser for checkout (the
 *     subscription service's base URL, env {@code SUBSCRIPTION_SERVICE_URL})
 * @param statusCacheSize how many users' status answers are kept in memory; 0 turns the cache off
 * @param statusCacheTtl how long a cached answer lives at most. This instance's consumers evict a
 *     user's answer as soon as they commit a change, so the TTL only bounds staleness for changes
 *     committed by another instance of the service.
 * @param tokenCacheSize how many verified bearer tokens are remembered (until they expire, and
 *     {@code tokenCacheTtl} at most); 0 verifies every request
 * @param recentSessions how many sessions the page lists
 */
@ConfigurationProperties("tokenmeter.dashboard")
public record DashboardProperties(
        @DefaultValue("http://localhost:8082") String subscriptionServiceUrl,
        @DefaultValue("100000") long statusCacheSize,
        @DefaultValue("60s") Duration statusCacheTtl,
        @DefaultValue("100000") long tokenCacheSize,
        @DefaultValue("10m") Duration tokenCacheTtl,
        @DefaultValue("20") int recentSessions) {}
