package io.tokenmeter.metering.reservation;

import com.zaxxer.hikari.HikariDataSource;
import io.tokenmeter.metering.MeteringDatabase;
import io.tokenmeter.metering.pricing.PriceTable;
import io.tokenmeter.metering.pricing.Pricer;
import io.tokenmeter.metering.reservation.jdbc.JdbcReservationStore;
import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.SubscriptionChange;
import io.tokenmeter.metering.usage.Transactions;
import io.tokenmeter.metering.usage.UsageEvents;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.metering.usage.jdbc.JdbcUsageStore;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import io.tokenmeter.schemas.Tier;
import io.tokenmeter.testsupport.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The reservations and metering cores on the real PostgreSQL stores, in a database of their own,
 * with a pool of connections (for many threads) and a clock the test moves. No Spring, no Kafka.
 */
final class ReservationsOnPostgres implements AutoCloseable {

    final JdbcTemplate jdbc;
    final HikariDataSource dataSource;
    final ControlledClock clock;
    final Transactions transactions;
    final ReservationStore store;

    private ReservationsOnPostgres(HikariDataSource dataSource, Instant start) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.clock = new ControlledClock(start);
        this.transactions =
                new SpringTransactions(
                        new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
        this.store = new JdbcReservationStore(jdbc);
    }

    static ReservationsOnPostgres create(Class<?> owner, Instant start, int connections) {
        TestDatabase database = MeteringDatabase.migrated(owner);
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        dataSource.setUsername(database.username());
        dataSource.setPassword(database.password());
        dataSource.setSchema("metering");
        dataSource.setMaximumPoolSize(connections);
        return new ReservationsOnPostgres(dataSource, start);
    }

    Reservations reservations(ReservationEvents events) {
        return new Reservations(store, transactions, events, clock);
    }

    /** A meter whose batches settle holds through {@code settlement}. */
    UsageMeter meter(CountedSessions settlement) {
        return meter((costs, usage, crossings, at) -> {}, settlement);
    }

    /** A meter whose batches announce to {@code events} and settle through {@code settlement}. */
    UsageMeter meter(UsageEvents events, CountedSessions settlement) {
        return new UsageMeter(
                new JdbcUsageStore(jdbc),
                events,
                transactions,
                new Pricer(new PriceTable("test", Map.of()), model -> {}),
                clock,
                settlement);
    }

    SessionUsage session(String sessionId, String userId, long tokens) {
        return new SessionUsage(
                sessionId,
                userId,
                clock.instant(),
                List.of(new PhaseUsage("grading", "m", tokens, 0, 0)));
    }

    /** The user's latest state: {@code tier}, in one period starting at {@code periodStart}. */
    static SubscriptionChange subscribed(
            String userId, Tier tier, Instant periodStart, Instant eventAt) {
        return new SubscriptionChange(
                userId,
                tier,
                "active",
                Optional.of(periodStart),
                Optional.of(periodStart.plus(Duration.ofDays(30))),
                eventAt,
                eventAt,
                eventAt.toEpochMilli());
    }

    void clear(Instant start) {
        MeteringDatabase.clear(jdbc);
        clock.set(start);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** A clock that moves only when told. */
    static final class ControlledClock extends Clock {
        private final AtomicReference<Instant> now;

        ControlledClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
