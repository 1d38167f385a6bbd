package io.tokenmeter.metering.usage;

import io.tokenmeter.metering.MeteringDatabase;
import io.tokenmeter.metering.pricing.PriceTable;
import io.tokenmeter.metering.pricing.Pricer;
import io.tokenmeter.metering.usage.jdbc.JdbcUsageStore;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import io.tokenmeter.testsupport.TestDatabase;
import java.time.Clock;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The metering core on the real PostgreSQL store, in a database of its own and without Spring or
 * Kafka: for properties that run thousands of batches.
 */
final class MeterOnPostgres {

    final JdbcTemplate jdbc;
    private final SingleConnectionDataSource dataSource;

    private MeterOnPostgres(SingleConnectionDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
    }

    static MeterOnPostgres create(Class<?> owner) {
        TestDatabase database = MeteringDatabase.migrated(owner);
        // One connection for the whole run: opening one per statement would dominate the time.
        return new MeterOnPostgres(
                new SingleConnectionDataSource(
                        database.jdbcUrl()
                                + (database.jdbcUrl().contains("?") ? "&" : "?")
                                + "currentSchema=metering",
                        database.username(),
                        database.password(),
                        true));
    }

    /** A meter on this database that hands what it announces to {@code events}. */
    UsageMeter meter(UsageEvents events) {
        return new UsageMeter(
                new JdbcUsageStore(jdbc),
                events,
                new SpringTransactions(
                        new TransactionTemplate(new DataSourceTransactionManager(dataSource))),
                new Pricer(new PriceTable("test", Map.of()), model -> {}),
                Clock.systemUTC());
    }

    /** Forgets every session, state, total and recorded threshold. */
    void clear() {
        MeteringDatabase.clear(jdbc);
    }
}
