package io.tokenmeter.metering.reservation;

import io.tokenmeter.metering.usage.Transactions;
import io.tokenmeter.schemas.Tier;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Holds on users' quotas, taken by the grading pipeline before it grades (CONTRACT §3.5).
 *
 * <p>Admission is linearizable per user, across threads and instances: it runs in a transaction
 * that first locks the user's reservation row, then reads plan, usage and live holds in one
 * snapshot and admits a hold only if {@code used + holds + tokens ≤ limit}. A metering batch
 * deletes the holds of its sessions, and locks the users of those that have none first ({@link
 * ReservationSettlement}), so a session is either settled by the batch that meters it or refused as
 * already settled, never held after it was counted. A batch that commits while an admission decides
 * moves usage up by what its sessions used and holds down by what they held, both or neither in the
 * admission's snapshot. Hence at any moment {@code used + live holds ≤ limit}, except by what
 * sessions used beyond their own holds (and holds granted under a higher tier before a downgrade).
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
        return reserveAll(List.of(request)).get(0);
    }

    /**
     * {@link #reserve} for several requests in one transaction, decided in their order (a later
     * request of a user sees the holds granted to the earlier ones): what {@link AdmissionBatches}
     * gathers from concurrent callers, so that a burst costs one round trip and one commit per
     * batch instead of per request. Returns the admissions in the requests' order.
     */
    public List<Admission> reserveAll(List<ReservationRequest> requests) {
        Attempt[] attempts = new Attempt[requests.size()];
        Set<String> unknown = transactions.inTransaction(() -> admitKnown(requests, attempts));
        if (!unknown.isEmpty()) {
            // Users' rows are created in a transaction of their own (ReservationStore#addUsers).
            transactions.inTransaction(
                    () -> {
                        store.addUsers(unknown);
                        return null;
                    });
            List<Integer> retried = new ArrayList<>();
            for (int i = 0; i < attempts.length; i++) {
                if (attempts[i] == null) {
                    retried.add(i);
                }
            }
            List<ReservationRequest> again = retried.stream().map(requests::get).toList();
            Attempt[] second = new Attempt[again.size()];
            Set<String> stillUnknown = transactions.inTransaction(() -> admitKnown(again, second));
            if (!stillUnknown.isEmpty()) {
                throw new IllegalStateException(
                        "reservation rows of users " + stillUnknown + " missing after insert");
            }
            for (int j = 0; j < second.length; j++) {
                attempts[retried.get(j)] = second[j];
            }
        }
        List<Admission> admissions = new ArrayList<>(attempts.length);
        for (Attempt attempt : attempts) {
            attempt.report(events);
            admissions.add(attempt.admission());
        }
        return admissions;
    }

    /**
     * Decides, in order, the requests of users who have a reservation row (locked first, in a fixed
     * order), saves what was granted, and returns the users who have none (their requests' attempts
     * stay null).
     */
    private Set<String> admitKnown(List<ReservationRequest> requests, Attempt[] attempts) {
        Arrays.fill(attempts, null);
        Instant now = clock.instant();
        Set<String> userIds = new TreeSet<>();
        Set<String> sessionIds = new TreeSet<>();
        for (ReservationRequest request : requests) {
            userIds.add(request.userId());
            sessionIds.add(request.sessionId());
        }
        ReservationStore.AdmittingAll read = store.lockAndReadAll(userIds, sessionIds, now);
        Map<String, Hold> holds = new HashMap<>(read.holds());
        Map<String, Quota> quotas = new HashMap<>(read.quotas());
        Map<String, Hold> toSave = new LinkedHashMap<>();
        Set<String> unknown = new TreeSet<>();
        for (int i = 0; i < requests.size(); i++) {
            ReservationRequest request = requests.get(i);
            if (!read.lockedUsers().contains(request.userId())) {
                unknown.add(request.userId());
                continue;
            }
            if (read.metered().contains(request.sessionId())) {
                attempts[i] =
                        new Attempt(
                                new Admission.AlreadySettled(request.sessionId()),
                                request,
                                null,
                                0);
                continue;
            }
            Optional<Hold> existing = Optional.ofNullable(holds.get(request.sessionId()));
            Quota all = quotas.get(request.userId());
            long own =
                    existing.filter(hold -> hold.liveAt(now))
                            .filter(hold -> hold.userId().equals(request.userId()))
                            .map(Hold::tokens)
                            .orElse(0L);
            Quota others = new Quota(all.userId(), all.plan(), all.used(), all.held() - own);
            Attempt attempt = decide(request, others, existing, now);
            attempts[i] = attempt;
            if (attempt.admission() instanceof Admission.Granted granted
                    && (granted.created() || attempt.raisedFrom() > 0)) {
                Hold hold = granted.hold();
                holds.put(hold.sessionId(), hold);
                toSave.put(hold.sessionId(), hold);
                quotas.put(
                        request.userId(),
                        new Quota(
                                all.userId(),
                                all.plan(),
                                all.used(),
                                others.held() + hold.tokens()));
            }
        }
        if (!toSave.isEmpty()) {
            store.saveAll(toSave.values(), now);
        }
        return unknown;
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
        return store.quota(userId, clock.instant());
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
