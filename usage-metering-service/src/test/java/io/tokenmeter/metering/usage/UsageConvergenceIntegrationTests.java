package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The metering core on the real PostgreSQL store: whatever order sessions and subscription states
 * arrive in, however they are batched and duplicated, every user ends up with the per-period totals
 * that the complete history dictates (CONTRACT rules 1, 2, 3, 6, 7).
 */
class UsageConvergenceIntegrationTests {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    static final List<String> USERS = List.of("u1", "u2");

    static MeterOnPostgres postgres;
    static JdbcTemplate jdbc;
    static UsageMeter meter;

    @BeforeContainer
    static void database() {
        postgres = MeterOnPostgres.create(UsageConvergenceIntegrationTests.class);
        jdbc = postgres.jdbc;
        meter = postgres.meter((costs, usage, crossings, at) -> {});
    }

    @Property(tries = 60)
    void anyArrivalOrderBatchingAndDuplicationGivesTheSameTotalsPerPeriod(
            @ForAll("sessions") List<SessionUsage> sessions,
            @ForAll("changes") List<SubscriptionChange> changes,
            @ForAll long seed) {
        postgres.clear();
        Random random = new Random(seed);
        List<Object> arrivals = Arrivals.shuffledWithRedeliveries(sessions, changes, random);

        Arrivals.deliverInRandomBatches(meter, arrivals, random);

        assertThat(storedTotals()).isEqualTo(expectedTotals(sessions, changes));
        for (String user : USERS) {
            BillingHistory history =
                    BillingHistory.derive(
                            changes.stream().filter(c -> c.userId().equals(user)).toList());
            UsageSnapshot usage = meter.usageOf(user);
            assertThat(usage.plan()).isEqualTo(history.current());
            long expected =
                    sessions.stream()
                            .filter(s -> s.userId().equals(user))
                            .filter(
                                    s ->
                                            history.bucketAt(s.completedAt())
                                                    .equals(history.current().bucket()))
                            .mapToLong(SessionUsage::totalTokens)
                            .sum();
            assertThat(usage.tokensUsed()).isEqualTo(expected);
        }
    }

    /** (user, bucket) → tokens, by the complete history: each session once, in its period. */
    private static Map<String, Long> expectedTotals(
            List<SessionUsage> sessions, List<SubscriptionChange> changes) {
        Map<String, BillingHistory> histories = new HashMap<>();
        for (String user : USERS) {
            histories.put(
                    user,
                    BillingHistory.derive(
                            changes.stream().filter(c -> c.userId().equals(user)).toList()));
        }
        Map<String, SessionUsage> unique = new LinkedHashMap<>();
        sessions.forEach(s -> unique.putIfAbsent(s.sessionId(), s));
        Map<String, Long> totals = new TreeMap<>();
        for (SessionUsage session : unique.values()) {
            Optional<Instant> bucket =
                    histories.get(session.userId()).bucketAt(session.completedAt());
            totals.merge(key(session.userId(), bucket), session.totalTokens(), Long::sum);
        }
        return totals;
    }

    private static Map<String, Long> storedTotals() {
        Map<String, Long> totals = new TreeMap<>();
        jdbc.query(
                "select user_id, nullif(period_start, '-infinity') as period_start, tokens"
                        + " from usage_total",
                rs -> {
                    java.time.OffsetDateTime start =
                            rs.getObject("period_start", java.time.OffsetDateTime.class);
                    long tokens = rs.getLong("tokens");
                    if (tokens != 0) {
                        totals.put(
                                key(
                                        rs.getString("user_id"),
                                        Optional.ofNullable(start)
                                                .map(java.time.OffsetDateTime::toInstant)),
                                tokens);
                    }
                });
        return totals;
    }

    private static String key(String user, Optional<Instant> bucket) {
        return user + "@" + bucket.map(Instant::toString).orElse("FREE");
    }

    @Provide
    Arbitrary<List<SessionUsage>> sessions() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 19),
                        Arbitraries.of(USERS),
                        Arbitraries.integers().between(0, 160 * 24),
                        Arbitraries.longs().between(1, 1_000))
                .as(
                        (id, user, hour, tokens) ->
                                new SessionUsage(
                                        "s" + id + "-" + user,
                                        user,
                                        EPOCH.plusSeconds(3_600L * hour),
                                        List.of(new PhaseUsage("grading", "gpt-4o", tokens, 0, 0))))
                .list()
                // A session id names one session; duplicates are exact copies (added above).
                .uniqueElements(SessionUsage::sessionId)
                .ofMaxSize(14);
    }

    @Provide
    Arbitrary<List<SubscriptionChange>> changes() {
        return BillingHistoryPropertyTests.changeOfOneOf(USERS).list().ofMaxSize(6);
    }
}
