package io.tokenmeter.dashboard.status;

import io.tokenmeter.schemas.Tier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a user has used and has left (CONTRACT §3.3), joined from the subscription (tier, status,
 * period, payment) and the usage count of the bucket that tier counts against. Its components are
 * the fields of {@code GET /api/subscription/status}, in order (the web adapter writes it as is).
 *
 * <p>Which count: on FREE the lifetime FREE bucket; on a paid tier the bucket of the subscription's
 * current period. A paid period with no usage state yet is a new period nobody has used: 0. A user
 * the dashboard has never heard of is FREE, status {@code free}, with 0 used.
 *
 * @param usagePercent used / limit × 100, rounded half-up to 2 decimals; above 100 on overage
 * @param asOf the {@code updated_at} of the newest state the answer is based on; when there is
 *     none, the time the answer was computed
 * @param estimatedSessionsRemaining {@code remainingTokens} divided by the mean tokens of the
 *     user's latest sessions (rounded down); null before their first session
 */
public record UserStatus(
        String userId,
        Tier tier,
        String status,
        long tokensUsed,
        long monthlyLimit,
        long remainingTokens,
        double usagePercent,
        boolean hasMonthlyReset,
        Instant subscriptionStart,
        Instant subscriptionEnd,
        boolean paymentFailed,
        Instant asOf,
        Long estimatedSessionsRemaining) {

    /** The {@code status} of a user without a subscription. */
    public static final String FREE_STATUS = "free";

    /**
     * Joins what the read model holds for {@code userId}; {@code now} is used only without state.
     * The sessions left are estimated from the user's {@code latest} sessions: remaining tokens ×
     * sessions ÷ their tokens, rounded down (exact integers, no floating point). None without a
     * session, or when those sessions used no tokens at all.
     */
    public static UserStatus of(
            String userId, StoredState state, Instant now, RecentSessions.Tokens latest) {
        Optional<SubscriptionSnapshot> subscription = state.subscription();
        Tier tier = subscription.map(SubscriptionSnapshot::tier).orElse(Tier.FREE);
        String bucket =
                UsageSnapshot.bucketOf(
                        tier, subscription.map(SubscriptionSnapshot::periodStart).orElse(null));
        Optional<UsageSnapshot> usage =
                state.usage().stream().filter(u -> u.bucket().equals(bucket)).findFirst();

        long used = usage.map(UsageSnapshot::tokensUsed).orElse(0L);
        // The limit metering counted against, when it reported one for this tier; else the tier's.
        long limit =
                usage.filter(u -> u.tier() == tier && u.limit() > 0)
                        .map(UsageSnapshot::limit)
                        .orElse(tier.limit());
        Instant asOf =
                Stream.of(
                                subscription.map(SubscriptionSnapshot::updatedAt),
                                usage.map(UsageSnapshot::updatedAt))
                        .flatMap(Optional::stream)
                        .max(Comparator.naturalOrder())
                        .orElse(now);
        long remaining = Math.max(0, limit - used);
        Long estimate =
                latest.sessions() == 0 || latest.tokens() <= 0
                        ? null
                        : BigInteger.valueOf(remaining)
                                .multiply(BigInteger.valueOf(latest.sessions()))
                                .divide(BigInteger.valueOf(latest.tokens()))
                                .longValueExact();
        return new UserStatus(
                userId,
                tier,
                subscription.map(SubscriptionSnapshot::status).orElse(FREE_STATUS),
                used,
                limit,
                remaining,
                percent(used, limit),
                tier.paid(),
                tier.paid() ? subscription.get().periodStart() : null,
                tier.paid() ? subscription.get().periodEnd() : null,
                subscription.map(SubscriptionSnapshot::paymentFailed).orElse(false),
                asOf,
                estimate);
    }

    static double percent(long used, long limit) {
        return BigDecimal.valueOf(used)
                .multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(limit), 2, RoundingMode.HALF_UP)
                .doubleValue();
    }
}
