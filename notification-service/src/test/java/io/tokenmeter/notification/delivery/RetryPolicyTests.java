package io.tokenmeter.notification.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTests {

    static final Instant QUEUED = Instant.parse("2026-12-01T00:00:00Z");
    final RetryPolicy policy =
            new RetryPolicy(Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofHours(24));

    @Test
    void doublesTheWaitAfterEachFailedAttemptUpToTheLongest() {
        Instant now = QUEUED.plusSeconds(5);

        assertThat(policy.nextAttempt(QUEUED, 1, now)).contains(now.plusSeconds(10));
        assertThat(policy.nextAttempt(QUEUED, 2, now)).contains(now.plusSeconds(20));
        assertThat(policy.nextAttempt(QUEUED, 3, now)).contains(now.plusSeconds(40));
        assertThat(policy.nextAttempt(QUEUED, 9, now)).contains(now.plusSeconds(2560));
        assertThat(policy.nextAttempt(QUEUED, 10, now)).contains(now.plus(Duration.ofHours(1)));
        assertThat(policy.nextAttempt(QUEUED, 500, now)).contains(now.plus(Duration.ofHours(1)));
    }

    @Test
    void givesUpWhenTheNextAttemptWouldComeMoreThanADayAfterQueueing() {
        assertThat(policy.nextAttempt(QUEUED, 30, QUEUED.plus(Duration.ofHours(22)))).isPresent();
        assertThat(policy.nextAttempt(QUEUED, 30, QUEUED.plus(Duration.ofHours(23).plusSeconds(1))))
                .isEmpty();
    }
}
