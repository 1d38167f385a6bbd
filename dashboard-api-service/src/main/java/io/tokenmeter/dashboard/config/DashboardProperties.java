package io.tokenmeter.dashboard.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's own settings ({@code tokenmeter.dashboard.*}).
 *
 * @param subscriptionServiceUrl where the usage page sends the browser for checkout (the
 *     subscription service's base URL, env {@code SUBSCRIPTION_SERVICE_URL})
 * @param statusCacheSize how many users' status answers are kept in memory; 0 turns the cache off
 * @param statusCacheTtl how long a cached answer lives at most. Every instance evicts a user's
 *     answer as soon as any instance committed a change for them (see {@code statusNotifyChannel}),
 *     so the TTL only bounds staleness while an instance cannot hear those notifications
 * @param statusNotifyChannel the PostgreSQL {@code LISTEN}/{@code NOTIFY} channel on which the
 *     instances sharing a database tell each other whose status changed (at most 63 bytes; another
 *     deployment on the same database had better use another channel)
 * @param tokenCacheSize how many verified bearer tokens are remembered (until they expire, and
 *     {@code tokenCacheTtl} at most); 0 verifies every request
 * @param recentSessions how many sessions the page lists
 */
@ConfigurationProperties("tokenmeter.dashboard")
public record DashboardProperties(
        @DefaultValue("http://localhost:8082") String subscriptionServiceUrl,
        @DefaultValue("100000") long statusCacheSize,
        @DefaultValue("60s") Duration statusCacheTtl,
        @DefaultValue("tokenmeter_dashboard_status") String statusNotifyChannel,
        @DefaultValue("100000") long tokenCacheSize,
        @DefaultValue("10m") Duration tokenCacheTtl,
        @DefaultValue("20") int recentSessions) {

    /** PostgreSQL truncates a longer identifier in LISTEN but refuses it in pg_notify. */
    private static final int MAX_CHANNEL_BYTES = 63;

    public DashboardProperties {
        int channelBytes =
                statusNotifyChannel == null
                        ? 0
                        : statusNotifyChannel.getBytes(StandardCharsets.UTF_8).length;
        if (channelBytes == 0 || channelBytes > MAX_CHANNEL_BYTES) {
            throw new IllegalArgumentException(
                    "tokenmeter.dashboard.status-notify-channel must be 1 to "
                            + MAX_CHANNEL_BYTES
                            + " bytes, got '"
                            + statusNotifyChannel
                            + "'");
        }
    }
}
