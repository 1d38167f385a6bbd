package io.tokenmeter.metering.usage;

import io.tokenmeter.metering.pricing.Charges;
import io.tokenmeter.metering.pricing.PhaseCharge;
import io.tokenmeter.metering.pricing.Pricer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Meters token usage exactly once per session and per billing bucket, prices each session, and
 * answers quota questions.
 *
 * <p>A batch of sessions is one transaction: sessions not yet in the ledger are counted, their
 * buckets' totals grow by one write per bucket, newly reached thresholds are recorded (by the rule
 * of {@link Thresholds}), and the resulting events are handed to {@code events}, which publishes
 * them in the batch's Kafka transaction. Redelivered or replayed sessions find themselves in the
 * ledger and count nothing; a redelivery of the very record that counted a session, whose batch's
 * Kafka transaction may never have committed, announces that session's cost, its user's usage and
 * the crossings it caused again (see {@link UsageStore#addToLedger}). Subscription states take the
 * same path, with the state's record in place of the session.
 */
public final class UsageMeter {

    private final UsageStore store;
    private final UsageEvents events;
    private final Transactions transactions;
    private final Pricer pricer;
    private final Clock clock;
    private final CountedSessions countedSessions;

    public UsageMeter(
            UsageStore store,
            UsageEvents events,
            Transactions transactions,
            Pricer pricer,
            Clock clock) {
        this(store, events, transactions, pricer, clock, CountedSessions.NONE);
    }

    /**
     * @param events where batches announce (inside the caller's Kafka transaction)
     * @param countedSessions told, in the metering transaction, which sessions each batch counted;
     *     what it returns runs once the transaction committed
     */
    public UsageMeter(
            UsageStore store,
            UsageEvents events,
            Transactions transactions,
            Pricer pricer,
            Clock clock,
            CountedSessions countedSessions) {
        this.store = store;
        this.events = events;
        this.transactions = transactions;
        this.pricer = pricer;
        this.clock = clock;
        this.countedSessions = countedSessions;
    }

    /** What metering one batch did. */
    public record Metered(int received, int counted) {
        public int duplicates() {
            return received - counted;
        }
    }

    /** Counts every session of the batch that was never counted before. */
    public Metered meter(List<SessionUsage> sessions) {
        if (sessions.isEmpty()) {
            return new Metered(0, 0);
        }
        // The first delivery of a session id in the batch is the one that counts.
        Map<String, SessionUsage> unique = new LinkedHashMap<>();
        sessions.forEach(session -> unique.putIfAbsent(session.sessionId(), session));
        MeteredAndReport done =
                transactions.inTransaction(() -> meterInTransaction(sessions.size(), unique));
        // Committed: what the batch settled is reported now, once (never for a rolled-back try).
        done.report().run();
        return done.metered();
    }

    private record MeteredAndReport(Metered metered, Runnable report) {}

    private MeteredAndReport meterInTransaction(int received, Map<String, SessionUsage> unique) {
        UsageStore.Ledgered ledgered = store.addToLedger(List.copyOf(unique.values()));
        if (ledgered.counted().isEmpty() && ledgered.announceAgain().isEmpty()) {
            return new MeteredAndReport(new Metered(received, 0), CountedSessions.NOTHING);
        }
        List<SessionUsage> counted = new ArrayList<>();
        List<SessionUsage> announced = new ArrayList<>();
        Map<String, String> causeByUser = new LinkedHashMap<>();
        for (SessionUsage session : unique.values()) {
            if (ledgered.counted().contains(session.sessionId())) {
                counted.add(session);
                announced.add(session);
                // Any of the batch's sessions of the user will do: they share its fate.
                causeByUser.putIfAbsent(session.userId(), session.sessionId());
            } else if (ledgered.announceAgain().contains(session.sessionId())) {
                announced.add(session);
            }
        }
        Instant now = clock.instant();
        List<BucketTotal> totals = counted.isEmpty() ? List.of() : store.addToTotals(counted);
        List<String> users = announced.stream().map(SessionUsage::userId).distinct().toList();
        // Read before the thresholds: it carries each user's plan, which decides
        // whether FREE crossings are held back (no query of its own for that).
        Map<String, UsageSnapshot> usage = store.currentUsage(users);
        List<ThresholdCrossing> crossings =
                crossings(
                        Thresholds.crossedByMetering(totals, usage, now),
                        UsageStore.Cause.SESSION,
                        causeByUser,
                        ledgered.announceAgain());
        events.publish(
                announced.stream().map(this::price).toList(),
                List.copyOf(usage.values()),
                crossings,
                now);
        // Last before the commit: settling locks the holds it deletes (and, for sessions without
        // one, their users) until it, and the reservations that need them wait that long (pricing
        // and encoding the batch's records, above, take most of a batch's time).
        Runnable report =
                counted.isEmpty() ? CountedSessions.NOTHING : countedSessions.counted(counted, now);
        return new MeteredAndReport(new Metered(received, counted.size()), report);
    }

    /**
     * Takes in subscription states. A state that changes which period some time belongs to moves
     * the affected user's usage between buckets, recomputed from the ledger, so that sessions that
     * arrived before the state that opens their period end up in it. A user left on FREE has their
     * FREE total evaluated against every threshold, so that crossings held back while they were on
     * a paid plan are announced now. A redelivery of the very record that kept a state, whose
     * batch's Kafka transaction may never have committed, announces its user's usage and the
     * crossings it caused again (see {@link UsageStore#addSubscriptionChanges}).
     */
    public void applySubscriptionChanges(List<SubscriptionChange> changes) {
        if (!changes.isEmpty()) {
            transactions.inTransaction(() -> applyInTransaction(changes));
        }
    }

    private Void applyInTransaction(List<SubscriptionChange> changes) {
        UsageStore.KeptChanges kept = store.addSubscriptionChanges(changes);
        if (kept.kept().isEmpty() && kept.announceAgain().isEmpty()) {
            return null;
        }
        Instant now = clock.instant();
        // The first new state of each user causes its crossings: they share its fate.
        Map<String, String> causeByUser = new TreeMap<>();
        for (SubscriptionChange change : kept.kept()) {
            causeByUser.putIfAbsent(change.userId(), change.delivery().id());
        }
        List<BucketTotal> recomputed = new ArrayList<>();
        for (String user : causeByUser.keySet()) {
            BillingHistory history = BillingHistory.derive(store.subscriptionChanges(user));
            if (!history.segments().equals(store.segments(user))) {
                recomputed.addAll(store.replaceSegments(user, history.segments()));
            }
            store.savePlan(user, history.current());
        }
        Set<String> users = new LinkedHashSet<>(causeByUser.keySet());
        kept.announceAgain().forEach(change -> users.add(change.userId()));
        Map<String, UsageSnapshot> usage = store.currentUsage(users);
        List<ThresholdCrossing> crossings =
                crossings(
                        Thresholds.reachedAfterStateChanges(recomputed, usage.values(), now),
                        UsageStore.Cause.SUBSCRIPTION_STATE,
                        causeByUser,
                        kept.announceAgain().stream().map(c -> c.delivery().id()).toList());
        events.publish(List.of(), List.copyOf(usage.values()), crossings, now);
        return null;
    }

    /** The user's usage in their current period (FREE: lifetime). */
    public UsageSnapshot usageOf(String userId) {
        return store.currentUsage(List.of(userId)).get(userId);
    }

    /**
     * The crossings to announce: the candidates never recorded before (recorded now), then those
     * recorded before with one of the causes {@code again} delivered again. {@code causeByUser}:
     * the session or state each user's crossings are announced again with, if any.
     */
    private List<ThresholdCrossing> crossings(
            List<ThresholdCrossing> candidates,
            UsageStore.Cause cause,
            Map<String, String> causeByUser,
            Collection<String> again) {
        List<ThresholdCrossing> crossings = new ArrayList<>();
        if (!candidates.isEmpty()) {
            crossings.addAll(store.recordCrossings(candidates, cause, causeByUser));
        }
        if (!again.isEmpty()) {
            crossings.addAll(store.crossingsCausedBy(cause, again));
        }
        return crossings;
    }

    PricedSession price(SessionUsage session) {
        List<PhaseCharge> charges = new ArrayList<>(session.phases().size());
        for (PhaseUsage phase : session.phases()) {
            charges.add(
                    pricer.charge(
                            phase.model(),
                            phase.promptTokens(),
                            phase.cachedTokens(),
                            phase.completionTokens()));
        }
        return new PricedSession(session, charges, Charges.sum(charges));
    }
}
