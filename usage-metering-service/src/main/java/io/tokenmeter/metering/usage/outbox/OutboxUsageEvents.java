package io.tokenmeter.metering.usage.outbox;

import io.tokenmeter.metering.usage.PricedSession;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageEvents;
import io.tokenmeter.metering.usage.UsageSnapshot;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@link UsageEvents} as a transactional outbox: the encoded records are inserted in the caller's
 * transaction and relayed to Kafka by {@link OutboxRelay} after it commits. A record therefore
 * reaches Kafka if and only if the usage it announces was committed.
 */
public class OutboxUsageEvents implements UsageEvents {

    /**
     * Key of the advisory lock that orders outbox writers: ids are taken while holding it and it is
     * released at commit, so ids become visible in increasing order.
     */
    static final long OUTBOX_LOCK = 0x746f6b656e6d6574L;

    private static final String INSERT =
            "insert into outbox (topic, message_key, payload)"
                    + " select t, k, p from unnest(?::text[], ?::text[], ?::bytea[])"
                    + " with ordinality as x(t, k, p, n) order by n";

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final AvroSingleObjectSerializer serializer = new AvroSingleObjectSerializer();

    public OutboxUsageEvents(JdbcTemplate jdbc, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.relay = relay;
    }

    @Override
    public void publish(
            List<PricedSession> costs,
            List<UsageSnapshot> usage,
            List<ThresholdCrossing> crossings,
            Instant at) {
        int n = costs.size() + usage.size() + crossings.size();
        if (n == 0) {
            return;
        }
        String[] topics = new String[n];
        String[] keys = new String[n];
        byte[][] payloads = new byte[n][];
        int i = 0;
        for (PricedSession cost : costs) {
            topics[i] = Topics.SESSION_COST.name();
            keys[i] = cost.usage().userId();
            payloads[i++] = serializer.serialize(topics[i - 1], OutboundRecords.sessionCost(cost));
        }
        for (UsageSnapshot snapshot : usage) {
            topics[i] = Topics.USAGE_STATE.name();
            keys[i] = snapshot.userId();
            payloads[i++] =
                    serializer.serialize(topics[i - 1], OutboundRecords.usageState(snapshot, at));
        }
        for (ThresholdCrossing crossing : crossings) {
            topics[i] = Topics.USAGE_THRESHOLD.name();
            keys[i] = crossing.userId();
            payloads[i++] =
                    serializer.serialize(topics[i - 1], OutboundRecords.thresholdCrossed(crossing));
        }
        jdbc.execute("select pg_advisory_xact_lock(" + OUTBOX_LOCK + ")");
        jdbc.update(
                connection -> {
                    PreparedStatement statement = connection.prepareStatement(INSERT);
                    statement.setArray(1, connection.createArrayOf("text", topics));
                    statement.setArray(2, connection.createArrayOf("text", keys));
                    statement.setArray(3, connection.createArrayOf("bytea", payloads));
                    return statement;
                });
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(
                    new TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            relay.wakeUp();
                        }
                    });
        }
    }
}
