package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.metering.usage.jdbc.JdbcUsageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The rule that replaces the outbox for metered batches (docs/usage-metering-service.md): a batch's
 * announcements become visible only if its Kafka transaction commits, and a batch whose transaction
 * was lost is delivered again. Simulated on the real PostgreSQL store, one partition: records with
 * duplicate session ids, random batch boundaries, transactions lost at random, rebalances that
 * record the committed offset, and in the end a rewind to offset 0 with the database kept. What
 * becomes visible is every session's cost exactly once, every crossing at most once, and each
 * session counted once.
 */
class AnnouncementPropertyTests {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    static MeterOnPostgres postgres;
    static UsageStore store;

    @BeforeContainer
    static void database() {
        postgres = MeterOnPostgres.create(AnnouncementPropertyTests.class);
        store = new JdbcUsageStore(postgres.jdbc);
    }

    /** What one batch handed to its events, kept until its transaction commits. */
    static final class Captured implements UsageEvents {
        final List<String> costs = new ArrayList<>();
        final List<String> crossings = new ArrayList<>();

        @Override
        public void publish(
                List<PricedSession> priced,
                List<UsageSnapshot> usage,
                List<ThresholdCrossing> reached,
                Instant at) {
            priced.forEach(cost -> costs.add(cost.usage().sessionId()));
            reached.forEach(
                    c ->
                            crossings.add(
                                    c.userId()
                                            + "/"
                                            + c.periodStart()
                                            + "/"
                                            + c.thresholdPercent()));
        }
    }

    @Property(tries = 80)
    void everyCostIsVisibleOnceWhateverIsLostRedeliveredOrRewound(
            @ForAll("records") List<SessionUsage> records, @ForAll long seed) {
        postgres.clear();
        Random random = new Random(seed);
        List<String> visibleCosts = new ArrayList<>();
        List<String> visibleCrossings = new ArrayList<>();

        consume(records, 0, random, 0.3, visibleCosts, visibleCrossings);
        // The consumers stop (their revocation records the committed offset), an operator moves
        // the group back to 0, and they consume everything again, keeping the database.
        store.deliveredBelow(UsageStore.Input.SESSIONS, Map.of(0, (long) records.size()));
        consume(records, 0, random, 0.0, visibleCosts, visibleCrossings);

        Set<String> unique = new LinkedHashSet<>();
        records.forEach(record -> unique.add(record.sessionId()));
        assertThat(visibleCosts).containsExactlyInAnyOrderElementsOf(unique);
        assertThat(visibleCrossings).doesNotHaveDuplicates();
        assertThat(
                        postgres.jdbc.queryForObject(
                                "select count(*) from session_ledger", Integer.class))
                .isEqualTo(unique.size());
        Map<String, Long> expected = new HashMap<>();
        Set<String> counted = new LinkedHashSet<>();
        for (SessionUsage record : records) {
            if (counted.add(record.sessionId())) {
                expected.merge(record.userId(), record.totalTokens(), Long::sum);
            }
        }
        expected.forEach(
                (user, tokens) ->
                        assertThat(store.currentUsage(List.of(user)).get(user).tokensUsed())
                                .isEqualTo(tokens));
    }

    /**
     * Consumes one partition from {@code from} to its end in random batches; each batch's
     * transaction is lost with probability {@code loss} (its announcements vanish and it is
     * delivered again), and now and then a rebalance records the committed offset.
     */
    static void consume(
            List<SessionUsage> records,
            int from,
            Random random,
            double loss,
            List<String> visibleCosts,
            List<String> visibleCrossings) {
        int committed = from;
        while (committed < records.size()) {
            int end = Math.min(records.size(), committed + 1 + random.nextInt(5));
            Captured captured = new Captured();
            postgres.meter(captured).meter(records.subList(committed, end));
            if (random.nextDouble() < loss) {
                continue;
            }
            visibleCosts.addAll(captured.costs);
            visibleCrossings.addAll(captured.crossings);
            committed = end;
            if (random.nextInt(4) == 0) {
                store.deliveredBelow(UsageStore.Input.SESSIONS, Map.of(0, (long) committed));
            }
        }
    }

    /**
     * Records of one partition at offsets 0, 1, 2…: sessions of two users, large enough to cross
     * FREE thresholds, about a third of them duplicates of an earlier session id.
     */
    @Provide
    Arbitrary<List<SessionUsage>> records() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 11),
                        Arbitraries.of("u1", "u2"),
                        Arbitraries.longs().between(1_000, 40_000))
                .as(
                        (id, user, tokens) ->
                                new int[] {id, user.equals("u1") ? 1 : 2, (int) (long) tokens})
                .list()
                .ofMinSize(1)
                .ofMaxSize(24)
                .map(
                        drawn -> {
                            List<SessionUsage> records = new ArrayList<>();
                            Map<Integer, int[]> firstOfId = new HashMap<>();
                            for (int offset = 0; offset < drawn.size(); offset++) {
                                // A repeated id is an exact copy of its first record.
                                int[] d =
                                        firstOfId.putIfAbsent(
                                                drawn.get(offset)[0], drawn.get(offset));
                                if (d == null) {
                                    d = drawn.get(offset);
                                }
                                records.add(
                                        new SessionUsage(
                                                "s" + d[0],
                                                "u" + d[1],
                                                EPOCH.plusSeconds(d[0]),
                                                List.of(
                                                        new PhaseUsage(
                                                                "grading", "gpt-4o", d[2], 0, 0)),
                                                null,
                                                new Delivery(0, offset)));
                            }
                            return records;
                        });
    }
}
