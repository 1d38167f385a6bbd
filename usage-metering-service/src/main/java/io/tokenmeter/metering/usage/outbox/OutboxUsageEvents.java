package io.tokenmeter.metering.usage.outbox;

import io.tokenmeter.metering.usage.PricedSession;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageEvents;
import io.tokenmeter.metering.usage.UsageSnapshot;
import io.tokenmeter.metering.usage.kafka.OutboundRecords;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
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

    /**
     * Rows go in with binary COPY: no hex-encoding of payloads, no SQL parsing per row; ids are
     * taken in stream order. {@code trace_parent} is the W3C trace context a session cost is
     * announced in (its delivery's); null for the aggregates (usage states, threshold crossings),
     * which stand for many sessions and start no trace of their own.
     */
    private static final String COPY =
            "copy outbox (topic, message_key, payload, trace_parent) from stdin (format binary)";

    private static final byte[] COPY_SIGNATURE = {
        'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
    };

    private final JdbcTemplate jdbc;
    private final OutboxRelay relay;
    private final AvroSingleObjectSerializer serializer = new AvroSingleObjectSerializer();

    public OutboxUsageEvents(JdbcTemplate jdbc, OutboxRelay relay) {
        this.jdbc = jdbc;
        this.relay = relay;
    }

    /**
     * PostgreSQL's binary COPY format: signature, flags, then per row the field lengths + bytes.
     */
    static byte[] binaryCopy(
            String[] topics, String[] keys, byte[][] payloads, String[] traceParents) {
        int size = 32;
        for (int i = 0; i < topics.length; i++) {
            size += 18 + topics[i].length() + keys[i].length() * 3 + payloads[i].length;
            if (traceParents[i] != null) {
                size += traceParents[i].length();
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(COPY_SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
            for (int i = 0; i < topics.length; i++) {
                out.writeShort(4);
                field(out, topics[i].getBytes(StandardCharsets.UTF_8));
                field(out, keys[i].getBytes(StandardCharsets.UTF_8));
                field(out, payloads[i]);
                if (traceParents[i] == null) {
                    out.writeInt(-1);
                } else {
                    field(out, traceParents[i].getBytes(StandardCharsets.UTF_8));
                }
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void field(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    @Override
    public void publish(
            List<PricedSession> costs,
            List<UsageSnapshot> usage,
            List<ThresholdCrossing> crossings,
            Instant at) {
        List<ProducerRecord<Object, Object>> records =
                OutboundRecords.records(costs, usage, crossings, at);
        int n = records.size();
        if (n == 0) {
            return;
        }
        String[] topics = new String[n];
        String[] keys = new String[n];
        byte[][] payloads = new byte[n][];
        String[] traceParents = new String[n];
        for (int i = 0; i < n; i++) {
            ProducerRecord<Object, Object> record = records.get(i);
            topics[i] = record.topic();
            keys[i] = (String) record.key();
            payloads[i] = serializer.serialize(record.topic(), record.value());
            traceParents[i] = OutboundRecords.traceParent(record);
        }
        byte[] copy = binaryCopy(topics, keys, payloads, traceParents);
        jdbc.execute("select pg_advisory_xact_lock(" + OUTBOX_LOCK + ")");
        jdbc.execute(
                (ConnectionCallback<Long>)
                        connection -> {
                            try {
                                return connection
                                        .unwrap(PGConnection.class)
                                        .getCopyAPI()
                                        .copyIn(COPY, new ByteArrayInputStream(copy));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
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
