package io.tokenmeter.platform.outbox;

import io.tokenmeter.platform.kafka.TraceParents;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionOperations;

/**
 * A transactional outbox: records are appended to a table in the transaction that stores the change
 * they announce, and relayed to their topic at least once (rows are deleted only after the broker
 * acknowledged them; a crash in between sends them again, harmless on a compacted topic keyed by
 * entity), in table order, by one relay at a time across instances (an advisory lock), through one
 * idempotent producer, so each key's records arrive in the order they were written. Each record is
 * sent in the trace of the work that appended it (its stored {@code traceparent}), so the
 * template's observation continues that trace in the record's header.
 *
 * <p>The table has the columns {@code id} (ascending), {@code record_key}, {@code payload}, {@code
 * created_at} and {@code trace_parent}.
 */
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final KafkaOperations<Object, Object> kafka;
    private final TransactionOperations transactions;
    private final TraceParents traceParents;
    private final String table;
    private final String topic;
    private final long relayLock;

    /**
     * {@code table}: the outbox table (a name from the service's code, never from input); {@code
     * relayLock}: the advisory lock key that elects the relaying instance, distinct per outbox.
     */
    public OutboxRelay(
            JdbcClient jdbc,
            KafkaOperations<Object, Object> kafka,
            TransactionOperations transactions,
            TraceParents traceParents,
            String table,
            String topic,
            long relayLock) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.transactions = transactions;
        this.traceParents = traceParents;
        this.table = table;
        this.topic = topic;
        this.relayLock = relayLock;
    }

    /** Appends a record, in the caller's transaction, with the current trace context. */
    public void append(String key, byte[] payload, Instant createdAt) {
        jdbc.sql(
                        "INSERT INTO "
                                + table
                                + " (record_key, payload, created_at, trace_parent)"
                                + " VALUES (?, ?, ?, ?)")
                .params(key, payload, Timestamp.from(createdAt), traceParents.current())
                .update();
    }

    /** Sends what the outbox holds, a batch per transaction, until it is empty. */
    @Scheduled(fixedDelayString = "${tokenmeter.outbox.poll-interval:100ms}")
    public void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            } while (sent != null && sent == BATCH);
        } catch (RuntimeException e) {
            // The rows stay in the outbox and go out on the next poll.
            log.warn("relaying {} failed, will retry: {}", table, e.getMessage());
        }
    }

    private int relayBatch() {
        boolean elected =
                jdbc.sql("SELECT pg_try_advisory_xact_lock(?)")
                        .param(relayLock)
                        .query(Boolean.class)
                        .single();
        if (!elected) {
            return 0;
        }
        List<Row> rows =
                jdbc.sql(
                                "SELECT id, record_key, payload, trace_parent FROM "
                                        + table
                                        + " ORDER BY id LIMIT ?")
                        .param(BATCH)
                        .query(Row.class)
                        .list();
        if (rows.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (Row row : rows) {
            acks.add(
                    traceParents.continuing(
                            row.traceParent(),
                            table + " relay",
                            () -> kafka.send(topic, row.recordKey(), row.payload())));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while relaying", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not acknowledge: " + e.getMessage(), e);
        }
        jdbc.sql("DELETE FROM " + table + " WHERE id IN (:ids)")
                .param("ids", rows.stream().map(Row::id).toList())
                .update();
        return rows.size();
    }

    private record Row(long id, String recordKey, byte[] payload, String traceParent) {}
}
