package io.tokenmeter.metering.usage;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which billing bucket each instant of a user's life counts in, derived from every subscription
 * state ever received for them.
 *
 * <p>Each state makes a claim about time: a paid state with a period claims {@code [periodStart,
 * periodEnd)} for that period; a FREE state claims everything from its Stripe event time on (a
 * downgrade). Where claims overlap, the newest state ({@link SubscriptionChange#NEWEST_LAST}) wins,
 * so a renewal, a re-anchored period, a downgrade and a later re-subscription each take over
 * exactly the time they speak about. Time nobody claims, or claimed by FREE, is FREE time, counted
 * against the lifetime FREE allowance.
 *
 * <p>The result is a function of the <em>set</em> of states: any arrival order, with any
 * duplicates, yields the same segments and the same current plan.
 */
public record BillingHistory(List<BillingSegment> segments, Plan current) {

    public static BillingHistory derive(Collection<SubscriptionChange> changes) {
        if (changes.isEmpty()) {
            return new BillingHistory(List.of(), Plan.FREE);
        }
        SubscriptionChange latest = changes.stream().max(SubscriptionChange.NEWEST_LAST).get();
        return new BillingHistory(
                segments(changes),
                Plan.of(latest.tier(), latest.periodStart(), latest.periodEnd()));
    }

    private static List<BillingSegment> segments(Collection<SubscriptionChange> changes) {
        // The tier of a period is what its newest state says (an upgrade inside a period).
        Map<Instant, SubscriptionChange> newestPerPeriod = new HashMap<>();
        TreeSet<Instant> boundaries = new TreeSet<>();
        for (SubscriptionChange change : changes) {
            if (change.definesPaidPeriod()) {
                boundaries.add(change.periodStart().get());
                boundaries.add(change.periodEnd().get());
                newestPerPeriod.merge(
                        change.periodStart().get(),
                        change,
                        (a, b) -> SubscriptionChange.NEWEST_LAST.compare(a, b) >= 0 ? a : b);
            } else if (!change.tier().paid()) {
                boundaries.add(change.stripeEventCreated());
            }
        }
        List<BillingSegment> segments = new ArrayList<>();
        Instant from = null;
        for (Instant to : boundaries) {
            if (from != null) {
                Optional<SubscriptionChange> owner = owner(changes, from);
                if (owner.isPresent()) {
                    Instant period = owner.get().periodStart().get();
                    Tier tier = newestPerPeriod.get(period).tier();
                    append(segments, new BillingSegment(from, to, period, tier));
                }
            }
            from = to;
        }
        return List.copyOf(segments);
    }

    /** The paid state that owns the elementary interval starting at {@code instant}, if any. */
    private static Optional<SubscriptionChange> owner(
            Collection<SubscriptionChange> changes, Instant instant) {
        return changes.stream()
                .filter(change -> claims(change, instant))
                .max(SubscriptionChange.NEWEST_LAST)
                .filter(SubscriptionChange::definesPaidPeriod);
    }

    private static boolean claims(SubscriptionChange change, Instant instant) {
        if (change.definesPaidPeriod()) {
            return !instant.isBefore(change.periodStart().get())
                    && instant.isBefore(change.periodEnd().get());
        }
        return !change.tier().paid() && !instant.isBefore(change.stripeEventCreated());
    }

    private static void append(List<BillingSegment> segments, BillingSegment next) {
        if (!segments.isEmpty()) {
            BillingSegment last = segments.get(segments.size() - 1);
            if (last.end().equals(next.start())
                    && last.periodStart().equals(next.periodStart())
                    && last.tier() == next.tier()) {
                segments.set(
                        segments.size() - 1,
                        new BillingSegment(
                                last.start(), next.end(), last.periodStart(), last.tier()));
                return;
            }
        }
        segments.add(next);
    }

    /** The bucket a session completed at {@code instant} counts in: a period start, or FREE. */
    public Optional<Instant> bucketAt(Instant instant) {
        for (BillingSegment segment : segments) {
            if (!instant.isBefore(segment.start()) && instant.isBefore(segment.end())) {
                return Optional.of(segment.periodStart());
            }
        }
        return Optional.empty();
    }
}
