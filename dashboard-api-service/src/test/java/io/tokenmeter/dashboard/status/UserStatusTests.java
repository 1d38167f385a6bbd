package io.tokenmeter.dashboard.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UserStatusTests {

    static final Instant NOW = Instant.parse("2026-11-25T17:30:00.123Z");
    static final Instant NOVEMBER = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant DECEMBER = Instant.parse("2026-12-01T00:00:00Z");
    static final RecentSessions.Tokens NO_SESSIONS = new RecentSessions.Tokens(0, 0);

    static SubscriptionSnapshot subscription(Tier tier, Instant periodStart, Instant periodEnd) {
        return new SubscriptionSnapshot(
                "u_1",
                tier,
                tier == Tier.FREE ? "canceled" : "active",
                tier == Tier.FREE ? null : periodStart,
                tier == Tier.FREE ? null : periodEnd,
                false,
                Instant.parse("2026-11-01T00:00:01Z"),
                Instant.parse("2026-11-01T00:00:00Z"),
                1);
    }

    static UsageSnapshot usage(Tier tier, Instant periodStart, long tokens, Instant updatedAt) {
        return new UsageSnapshot("u_1", tier, periodStart, null, tokens, updatedAt, tier.limit());
    }

    @Test
    void aUserNobodyHasHeardOfIsFreeWithNothingUsed() {
        UserStatus status = UserStatus.of("u_new", StoredState.NOTHING, NOW, NO_SESSIONS);

        assertThat(status)
                .isEqualTo(
                        new UserStatus(
                                "u_new", Tier.FREE, "free", 0, 100_000, 100_000, 0.0, false, null,
                                null, false, NOW, null));
    }

    @Test
    void aPaidTierCountsTheUsageOfTheSubscriptionsCurrentPeriod() {
        Instant usageAt = Instant.parse("2026-11-20T10:00:00Z");
        UserStatus status =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.of(subscription(Tier.PRO, NOVEMBER, DECEMBER)),
                                List.of(
                                        usage(Tier.PRO, NOVEMBER, 1_234_567, usageAt),
                                        usage(Tier.FREE, null, 99_000, NOVEMBER))),
                        NOW,
                        NO_SESSIONS);

        assertThat(status)
                .isEqualTo(
                        new UserStatus(
                                "u_1", Tier.PRO, "active", 1_234_567, 6_000_000, 4_765_433, 20.58,
                                true, NOVEMBER, DECEMBER, false, usageAt, null));
    }

    @Test
    void answersWithTheLimitMeteringReportedAndTheTiersWhenItReportedNone() {
        Instant usageAt = Instant.parse("2026-11-20T10:00:00Z");
        UsageSnapshot reported =
                new UsageSnapshot("u_1", Tier.PRO, NOVEMBER, null, 3_500_000, usageAt, 7_000_000);
        UsageSnapshot unknownLimit =
                new UsageSnapshot("u_1", Tier.PRO, NOVEMBER, null, 3_500_000, usageAt, 0);

        UserStatus withReported =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.of(subscription(Tier.PRO, NOVEMBER, DECEMBER)),
                                List.of(reported)),
                        NOW,
                        NO_SESSIONS);
        UserStatus withoutLimit =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.of(subscription(Tier.PRO, NOVEMBER, DECEMBER)),
                                List.of(unknownLimit)),
                        NOW,
                        NO_SESSIONS);

        assertThat(withReported.monthlyLimit()).isEqualTo(7_000_000);
        assertThat(withReported.remainingTokens()).isEqualTo(3_500_000);
        assertThat(withReported.usagePercent()).isEqualTo(50.0);
        assertThat(withoutLimit.monthlyLimit()).isEqualTo(6_000_000);
    }

    @Test
    void aNewPeriodWithoutUsageYetStartsFromZero() {
        UserStatus status =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.of(
                                        subscription(
                                                Tier.PRO,
                                                DECEMBER,
                                                Instant.parse("2027-01-01T00:00:00Z"))),
                                List.of(usage(Tier.PRO, NOVEMBER, 5_000_000, NOW))),
                        NOW,
                        NO_SESSIONS);

        assertThat(status.tokensUsed()).isZero();
        assertThat(status.subscriptionStart()).isEqualTo(DECEMBER);
    }

    @Test
    void afterADowngradeTheLifetimeFreeAllowanceCountsAgain() {
        UserStatus status =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.of(subscription(Tier.FREE, null, null)),
                                List.of(
                                        usage(Tier.PRO, NOVEMBER, 5_000_000, NOW),
                                        usage(Tier.FREE, null, 80_000, NOVEMBER))),
                        NOW,
                        NO_SESSIONS);

        assertThat(status.tier()).isEqualTo(Tier.FREE);
        assertThat(status.status()).isEqualTo("canceled");
        assertThat(status.tokensUsed()).isEqualTo(80_000);
        assertThat(status.hasMonthlyReset()).isFalse();
        assertThat(status.subscriptionStart()).isNull();
        assertThat(status.subscriptionEnd()).isNull();
    }

    @Test
    void overageLeavesNothingRemainingAndGoesAboveAHundredPercent() {
        UserStatus status =
                UserStatus.of(
                        "u_1",
                        new StoredState(
                                Optional.empty(), List.of(usage(Tier.FREE, null, 100_001, NOW))),
                        NOW,
                        NO_SESSIONS);

        assertThat(status.remainingTokens()).isZero();
        assertThat(status.usagePercent()).isEqualTo(100.0);
    }

    @Test
    void roundsThePercentageHalfUpToTwoDecimals() {
        assertThat(UserStatus.percent(5_400_000, 6_000_000)).isEqualTo(90.0);
        assertThat(UserStatus.percent(5_400_299, 6_000_000)).isEqualTo(90.0);
        assertThat(UserStatus.percent(5_400_300, 6_000_000)).isEqualTo(90.01);
        assertThat(UserStatus.percent(1, 6_000_000)).isEqualTo(0.0);
        assertThat(UserStatus.percent(2_469, 1_200_000)).isEqualTo(0.21);
    }

    @Test
    void estimatesTheSessionsLeftFromTheMeanOfTheLatestSessionsRoundedDown() {
        StoredState state =
                new StoredState(
                        Optional.of(subscription(Tier.PRO, NOVEMBER, DECEMBER)),
                        List.of(usage(Tier.PRO, NOVEMBER, 1_234_567, NOW)));

        assertThat(UserStatus.of("u_1", state, NOW, NO_SESSIONS).estimatedSessionsRemaining())
                .isNull();
        // 4,765,433 left, 20 sessions of 128,800 tokens on average: 36.998… → 36.
        assertThat(
                        UserStatus.of("u_1", state, NOW, new RecentSessions.Tokens(20, 2_576_000))
                                .estimatedSessionsRemaining())
                .isEqualTo(36);
        // 20 sessions of 2,575,909 tokens: 4,765,433 × 20 ÷ 2,575,909 = 37.00000… → 37.
        assertThat(
                        UserStatus.of("u_1", state, NOW, new RecentSessions.Tokens(20, 2_575_909))
                                .estimatedSessionsRemaining())
                .isEqualTo(37);
        assertThat(
                        UserStatus.of("u_1", state, NOW, new RecentSessions.Tokens(0, 0))
                                .estimatedSessionsRemaining())
                .isNull();
        assertThat(
                        UserStatus.of("u_1", state, NOW, new RecentSessions.Tokens(3, 0))
                                .estimatedSessionsRemaining())
                .isNull();
    }

    @Test
    void estimatesNoSessionLeftWhenNothingRemains() {
        StoredState state =
                new StoredState(Optional.empty(), List.of(usage(Tier.FREE, null, 120_000, NOW)));

        assertThat(
                        UserStatus.of("u_1", state, NOW, new RecentSessions.Tokens(4, 120_000))
                                .estimatedSessionsRemaining())
                .isZero();
    }
}
