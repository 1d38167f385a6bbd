package io.tokenmeter.dashboard.status.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.tokenmeter.dashboard.config.DashboardProperties;
import io.tokenmeter.dashboard.status.StatusChanges;
import io.tokenmeter.dashboard.status.UserStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Status answers in memory, by user id, serialized once with their ETag. A user is evicted as soon
 * as the read model has committed a change for them: by this instance's consumers right after their
 * commit, and by the change listener when any instance announces one. Caffeine makes an eviction
 * that races a load of the same user wait for that load and then drop its result, so a load that
 * read the database before the commit can never be left behind in the cache.
 *
 * <p>Dropping everything ({@link #allChanged}) gives no such guarantee for loads under way, so each
 * load notes the number of drops so far and is not kept if another drop happened meanwhile.
 */
@Component
class StatusCache implements StatusChanges {

    private final Cache<String, CachedStatus> cache;
    private final JsonMapper json;
    private final AtomicLong drops = new AtomicLong();

    StatusCache(DashboardProperties properties, MeterRegistry registry, JsonMapper json) {
        this.json = json;
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(properties.statusCacheSize())
                        .expireAfterWrite(properties.statusCacheTtl())
                        .recordStats()
                        .build();
        CaffeineCacheMetrics.monitor(registry, cache, "dashboard.status");
    }

    CachedStatus get(String userId, Function<String, UserStatus> load) {
        CachedStatus cached = cache.get(userId, id -> loadUnlessDropped(id, load));
        if (cached == null) {
            // Everything was dropped while it loaded: this load starts after the drop.
            cached = cache.get(userId, id -> CachedStatus.of(json, load.apply(id)));
        }
        return cached;
    }

    /** The answer, or null (nothing cached) when everything was dropped while it was loaded. */
    private CachedStatus loadUnlessDropped(String userId, Function<String, UserStatus> load) {
        long before = drops.get();
        CachedStatus loaded = CachedStatus.of(json, load.apply(userId));
        return drops.get() == before ? loaded : null;
    }

    @Override
    public void changed(Set<String> userIds) {
        cache.invalidateAll(userIds);
    }

    @Override
    public void allChanged() {
        drops.incrementAndGet();
        cache.invalidateAll();
    }

    /**
     * An answer as the bytes sent, and its strong ETag (a digest of those bytes), computed once per
     * change: serializing per request was a third of a cached request's CPU.
     */
    record CachedStatus(byte[] body, String etag) {

        static CachedStatus of(JsonMapper json, UserStatus status) {
            byte[] body = json.writeValueAsBytes(status);
            return new CachedStatus(body, "\"" + digest(body) + "\"");
        }

        private static String digest(byte[] body) {
            try {
                byte[] sha = MessageDigest.getInstance("SHA-256").digest(body);
                return HexFormat.of().formatHex(sha, 0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }
}
