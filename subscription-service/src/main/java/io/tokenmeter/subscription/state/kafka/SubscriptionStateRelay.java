package io.tokenmeter.subscription.state.kafka;

import io.tokenmeter.schemas.Topics;
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
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Relays the outbox to {@code billing.subscription-state.v1}: at least once (rows are deleted only
 * after the broker acknowledged them; a crash in between sends them again, harmless on a compacted
 * topic keyed by user), in outbox order, by one relay at a time across instances (an advisory
 * lock), through one idempotent producer, so each user's states arrive in the order they changed.
 * Each record is sent in the trace of the event that caused the change (its stored {@code
 * traceparent}), so the template's observation continues that trace in the record's header.
 */
@Component
class SubscriptionStateRelay {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionStateRelay.class);

    /** The advisory lock key that elects the relaying instance ("subscription-outbox"). */
    static final long RELAY_LOCK = 0x5355_4253_4f55_5442L;

    static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final KafkaOperations<Object, Object> kafka;
    private final TransactionOperations transactions;
    private final TraceParents traceParents;

    SubscriptionStateRelay(
            JdbcClient jdbc,
            KafkaOperations<Object, Object> kafka,
            TransactionOperations transactions,
            TraceParents traceParents) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.transactions = transactions;
        this.traceParents = traceParents;
    }

    @Scheduled(fixedDelayString = "${tokenmeter.subscription.outbox-poll-interval:100ms}")
    void relay() {
        try {
            Integer sent;
            do {
                sent = transactions.execute(status -> relayBatch());
            } while (sent != null && sent == BATCH);
        } catch (RuntimeException e) {
            // The rows stay in the outbox and go out on the next poll.
            log.warn("relaying subscription states failed, will retry: {}", e.getMessage());
        }
    }

    private int relayBatch() {
        boolean elected =
                jdbc.sql("SELECT pg_try_advisory_xact_lock(?)")
                        .param(RELAY_LOCK)
                        .query(Boolean.class)
                        .single();
        if (!elected) {
            return 0;
        }
        List<Row> rows =
                jdbc.sql(
                                "SELECT id, user_id, payload, trace_parent"
                                        + " FROM subscription_state_outbox"
                                        + " ORDER BY id LIMIT ?")
                        .param(BATCH)
                        .query(
                                (rs, n) ->
                                        new Row(
                                                rs.getLong("id"),
                                                rs.getString("user_id"),
                                                rs.getBytes("payload"),
                                                rs.getString("trace_parent")))
                        .list();
        if (rows.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (Row row : rows) {
            acks.add(
                    traceParents.continuing(
                            row.traceParent(),
                            "subscription-state relay",
                            () ->
                                    kafka.send(
                                            Topics.SUBSCRIPTION_STATE.name(),
                                            row.userId(),
                                            row.payload())));
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
        jdbc.sql("DELETE FROM subscription_state_outbox WHERE id IN (:ids)")
                .param("ids", rows.stream().map(Row::id).toList())
                .update();
        return rows.size();
    }

    private record Row(long id, String userId, byte[] payload, String traceParent) {}
}
