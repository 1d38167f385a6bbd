package io.tokenmeter.dashboard.status.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.tokenmeter.dashboard.DashboardProperties;
import io.tokenmeter.dashboard.status.StatusChanges;
import io.tokenmeter.dashboard.status.UserStatus;
import java.util.Set;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Status answers in memory, by user id, with their ETag. The consumers evict a user as soon as the
 * read model has committed a change for them. Caffeine makes an eviction that races a load of the
 * same user wait for that load and then drop its result, so a load that read the database before
 * the commit can never be left behind in the cache.
 */
@Component
class StatusCache implements StatusChanges {

    private final Cache<String, CachedStatus> cache;

    StatusCache(DashboardProperties properties, MeterRegistry registry) {
        this.cache =
                Caffeine.newBuilder()
                        .maximumSize(properties.statusCacheSize())
                        .expireAfterWrite(properties.statusCacheTtl())
                        .recordStats()
                        .build();
        CaffeineCacheMetrics.monitor(registry, cache, "dashboard.status");
    }

    CachedStatus get(String userId, Function<String, UserStatus> load) {
        return cache.get(userId, id -> CachedStatus.of(load.apply(id)));
    }

    @Override
    public void changed(Set<String> userIds) {
        cache.invalidateAll(userIds);
    }

    /** An answer and its strong ETag, computed once per change. */
    record CachedStatus(StatusDocument document, String etag) {

        static CachedStatus of(UserStatus status) {
            StatusDocument document = StatusDocument.of(status);
            return new CachedStatus(
                    document, "\"" + Integer.toHexString(document.hashCode()) + "\"");
        }
    }
}
