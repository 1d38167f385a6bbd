package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.Transactions;
import io.tokenmeter.schemas.Tier;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Holds on users' quotas, taken by the grading pipeline before it grades (CONTRACT §3.5).
 *
 * <p>Admission is linearizable per user, across threads and instances: it runs in a transaction
 * that first locks the user's reservation row, then reads plan, usage and live holds in one
 * snapshot and admits a hold only if {@code used + holds + tokens ≤ limit}. A metering batch locks
 * the same rows before it settles holds ({@link ReservationSettlement}), so a session is either
 * settled by the batch that meters it or refused as already settled, never held after it was
 * counted. Hence at any moment {@code used + live holds ≤ limit}, except by what sessions used
 * beyond their own holds (and holds granted under a higher tier before a downgrade).
 */
public final class Reservations {

    private final ReservationStore store;
    private final Transactions transactions;
    private final ReservationEvents events;
    private final Clock clock;

    public Reservations(
            ReservationStore store,
            Transactions transactions,
            ReservationEvents events,
            Clock clock) {
        this.store = store;
        this.transactions = transactions;
        this.events = events;
        this.clock = clock;
    }

    /** Holds the request's tokens for its session, raises its hold, or says why not. */
    public Admission reserve(ReservationRequest request) {
        Attempt attempt = transactions.inTransaction(() -> admitIfKnown(request));
        if (attempt == null) {
            transactions.inTransaction(
                    () -> {
                        store.addUser(request.userId());
                        return null;
                    });
            attempt = transactions.inTransaction(() -> admitIfKnown(request));
            if (attempt == null) {
                throw new IllegalStateException(
                        "reservation row of user " + request.userId() + " missing after insert");
            }
        }
        attempt.report(events);
        return attempt.admission();
    }

    private Attempt admitIfKnown(ReservationRequest request) {
        Instant now = clock.instant();
        Optional<ReservationStore.Admitting> read =
                store.lockAndRead(request.userId(), request.sessionId(), now);
        if (read.isEmpty()) {
            return null;
        }
        if (read.get().metered()) {
            return new Attempt(new Admission.AlreadySettled(request.sessionId()), request, null, 0);
        }
        Attempt attempt = decide(request, read.get().others(), read.get().hold(), now);
        if (attempt.admission() instanceof Admission.Granted granted
                && (granted.created() || attempt.raisedFrom() > 0)) {
            store.save(granted.hold(), now);
        }
        return attempt;
    }

    /**
     * The decision, given the user's quota without this session's hold and the session's hold.
     * Package-private for tests.
     */
    static Attempt decide(
            ReservationRequest request, Quota others, Optional<Hold> existing, Instant now) {
        if (existing.isPresent()
                && existing.get().liveAt(now)
                && !existing.get().userId().equals(request.userId())) {
            return new Attempt(
                    new Admission.HeldForAnotherUser(request.sessionId()), request, null, 0);
        }
        Optional<Hold> live = existing.filter(hold -> hold.liveAt(now));
        Hold expired = existing.filter(hold -> !hold.liveAt(now)).orElse(null);
        long wanted = request.tokens();
        if (live.isPresent() && wanted <= live.get().tokens()) {
            // The same request again, or a smaller one: a hold never shrinks.
            return new Attempt(
                    new Admission.Granted(
                            live.get(), false, Math.max(0, others.room() - live.get().tokens())),
                    request,
                    null,
                    0);
        }
        if (wanted > others.room()) {
            long own = live.map(Hold::tokens).orElse(0L);
            Optional<Tier> next =
                    Arrays.stream(Tier.values())
                            .filter(tier -> tier.compareTo(others.plan().tier()) > 0)
                            .filter(tier -> tier.limit() - others.used() - others.held() >= wanted)
                            .findFirst();
            return new Attempt(
                    new Admission.Refused(
                            others.plan().tier(), Math.max(0, others.room() - own), next),
                    request,
                    expired,
                    0);
        }
        // Whole milliseconds: what the database keeps and answers is what this answers.
        Instant expiresAt = now.plus(request.ttl()).truncatedTo(ChronoUnit.MILLIS);
        if (live.isPresent()) {
            Hold raised =
                    new Hold(
                            request.sessionId(),
                            request.userId(),
                            wanted,
                            expiresAt.isAfter(live.get().expiresAt())
                                    ? expiresAt
                                    : live.get().expiresAt());
            return new Attempt(
                    new Admission.Granted(raised, false, others.room() - wanted),
                    request,
                    null,
                    live.get().tokens());
        }
        Hold hold = new Hold(request.sessionId(), request.userId(), wanted, expiresAt);
        return new Attempt(
                new Admission.Granted(hold, true, others.room() - wanted), request, expired, 0);
    }

    /**
     * An admission and what to report once its transaction committed: the expired hold it found
     * (replaced, if granted) and the tokens a raised hold had before.
     */
    record Attempt(Admission admission, ReservationRequest request, Hold expired, long raisedFrom) {

        void report(ReservationEvents events) {
            if (admission instanceof Admission.Granted granted) {
                if (expired != null) {
                    events.expired(List.of(expired));
                }
                if (granted.created()) {
                    events.granted(granted.hold());
                } else if (raisedFrom > 0) {
                    events.raised(granted.hold(), raisedFrom);
                }
            } else if (admission instanceof Admission.Refused) {
                events.refused(request.userId(), request.tokens());
            }
        }
    }

    /**
     * Releases the session's hold (its grading was aborted); nothing if it has none, which includes
     * ids no hold can have (too long, or holding U+0000).
     */
    public void release(String userId, String sessionId) {
        if (!ReservationRequest.validId(userId) || !ReservationRequest.validId(sessionId)) {
            return;
        }
        transactions
                .inTransaction(() -> store.release(userId, sessionId))
                .ifPresent(
                        hold -> {
                            if (hold.liveAt(clock.instant())) {
                                events.released(hold);
                            } else {
                                events.expired(List.of(hold));
                            }
                        });
    }

    /** The user's quota now, holds counted. */
    public Quota quotaOf(String userId) {
        return store.quota(userId, null, clock.instant());
    }

    /**
     * Deletes expired holds, up to {@code max}, and measures the tokens live holds take; returns
     * how many were deleted (call again while it returns {@code max}).
     */
    public int sweep(int max) {
        Instant now = clock.instant();
        List<Hold> expired = transactions.inTransaction(() -> store.deleteExpired(now, max));
        if (!expired.isEmpty()) {
            events.expired(expired);
        }
        events.held(store.heldTokens(now));
        return expired.size();
    }
}
