package io.tokenmeter.dashboard.status.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenmeter.dashboard.config.DashboardProperties;
import io.tokenmeter.dashboard.status.RecentSessions;
import io.tokenmeter.dashboard.status.StoredState;
import io.tokenmeter.dashboard.status.UserStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class StatusCacheTests {

    final StatusCache cache =
            new StatusCache(
                    new DashboardProperties(
                            "http://localhost:8082",
                            1_000,
                            Duration.ofSeconds(60),
                            "tokenmeter_dashboard_status",
                            1_000,
                            Duration.ofMinutes(10),
                            20),
                    new SimpleMeterRegistry(),
                    JsonMapper.builder().build());

    final AtomicInteger loads = new AtomicInteger();

    /** Each load answers differently (its number as {@code as_of}), so answers tell loads apart. */
    UserStatus load(String userId) {
        return UserStatus.of(
                userId,
                StoredState.NOTHING,
                Instant.ofEpochSecond(loads.incrementAndGet()),
                new RecentSessions.Tokens(0, 0));
    }

    @Test
    void keepsAnAnswerUntilItsUserChanges() {
        StatusCache.CachedStatus first = cache.get("u_1", this::load);

        assertThat(cache.get("u_1", this::load)).isSameAs(first);
        cache.changed(Set.of("u_2"));
        assertThat(cache.get("u_1", this::load)).isSameAs(first);
        cache.changed(Set.of("u_1"));
        assertThat(cache.get("u_1", this::load).etag()).isNotEqualTo(first.etag());
        assertThat(loads).hasValue(2);
    }

    @Test
    void dropsEveryAnswerWhenAllChanged() {
        StatusCache.CachedStatus first = cache.get("u_1", this::load);

        cache.allChanged();

        assertThat(cache.get("u_1", this::load).etag()).isNotEqualTo(first.etag());
    }

    @Test
    void doesNotKeepALoadThatWasUnderWayWhenAllChanged() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Function<String, UserStatus> slowFirstLoad =
                userId -> {
                    UserStatus status = load(userId);
                    if (status.asOf().getEpochSecond() == 1) {
                        loading.countDown();
                        await(resume);
                    }
                    return status;
                };
        CompletableFuture<StatusCache.CachedStatus> underWay =
                CompletableFuture.supplyAsync(() -> cache.get("u_1", slowFirstLoad));
        await(loading);

        cache.allChanged();
        resume.countDown();

        // The load that read before the drop is not kept: the request is answered by a new one,
        // which is what the cache keeps.
        StatusCache.CachedStatus answered = underWay.get(10, TimeUnit.SECONDS);
        assertThat(loads).hasValue(2);
        assertThat(cache.get("u_1", this::load)).isSameAs(answered);
        assertThat(loads).hasValue(2);
    }

    static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
