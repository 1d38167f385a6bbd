package io.tokenmeter.notification.delivery.jdbc;

import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.alerts.Kind;
import io.tokenmeter.notification.alerts.Notification;
import io.tokenmeter.notification.alerts.jdbc.CauseJson;
import io.tokenmeter.notification.delivery.Attempted;
import io.tokenmeter.notification.delivery.Delivery;
import io.tokenmeter.notification.delivery.DeliveryQueue;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link DeliveryQueue} on the {@code deliveries} table. A claim is one statement: it locks due
 * rows with {@code FOR UPDATE SKIP LOCKED} (concurrent claims pass each other by) and moves their
 * {@code next_attempt_at} to the lease's end, so that they are not due for anyone else meanwhile.
 */
public class JdbcDeliveryQueue implements DeliveryQueue {

    private static final Logger log = LoggerFactory.getLogger(JdbcDeliveryQueue.class);

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate named;
    private final CauseJson causes;
    private final TransactionTemplate transactions;

    public JdbcDeliveryQueue(
            JdbcClient jdbc,
            NamedParameterJdbcTemplate named,
            CauseJson causes,
            TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.named = named;
        this.causes = causes;
        this.transactions = transactions;
    }

    @Override
    public List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil) {
        return transactions.execute(status -> claim(now, limit, leaseUntil));
    }

    /**
     * The claim walks the due index in order and stops at {@code limit} rows, checking each row is
     * its user's oldest pending one with one index probe: a few rows read, whatever the backlog.
     * Sorting and bitmap scans are switched off for it because, with statistics taken while the
     * table was small (or never, without autovacuum), the planner would rather sort the whole
     * backlog on every claim.
     */
    private List<Delivery> claim(Instant now, int limit, Instant leaseUntil) {
        jdbc.sql("SET LOCAL enable_sort = off").update();
        jdbc.sql("SET LOCAL enable_bitmapscan = off").update();
        return jdbc
                .sql(
                        """
                        WITH due AS (
                            SELECT d.seq FROM deliveries d
                            WHERE d.status = 'PENDING' AND d.next_attempt_at <= :now
                              AND d.seq = (
                                  SELECT min(e.seq) FROM deliveries e
                                  WHERE e.status = 'PENDING' AND e.user_id = d.user_id
                                    AND e.channel = d.channel)
                            ORDER BY d.next_attempt_at, d.seq
                            LIMIT :limit
                            FOR UPDATE SKIP LOCKED)
                        UPDATE deliveries d SET next_attempt_at = :leaseUntil
                        FROM due WHERE d.seq = due.seq
                        RETURNING d.seq, d.notification_id, d.channel, d.kind, d.cause::text AS cause,
                                  d.attempts, d.queued_at
                        """)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .param("leaseUntil", Timestamp.from(leaseUntil))
                .query(
                        (row, index) ->
                                new ClaimedRow(
                                        row.getLong("seq"),
                                        row.getString("notification_id"),
                                        row.getString("channel"),
                                        row.getString("kind"),
                                        row.getString("cause"),
                                        row.getInt("attempts"),
                                        row.getTimestamp("queued_at").toInstant()))
                .list()
                .stream()
                .sorted(Comparator.comparingLong(ClaimedRow::seq))
                .map(this::delivery)
                .flatMap(Optional::stream)
                .toList();
    }

    private record ClaimedRow(
            long seq,
            String notificationId,
            String channel,
            String kind,
            String cause,
            int attempts,
            Instant queuedAt) {}

    /**
     * The claimed row as a delivery; a row that cannot be read (edited by hand, written by a
     * version that knew other kinds) is failed at once rather than blocking every claim after it.
     */
    private Optional<Delivery> delivery(ClaimedRow row) {
        try {
            Kind kind = Kind.valueOf(row.kind());
            return Optional.of(
                    new Delivery(
                            row.seq(),
                            new Notification(
                                    row.notificationId(), kind, causes.read(kind, row.cause())),
                            Channel.valueOf(row.channel()),
                            row.attempts(),
                            row.queuedAt()));
        } catch (RuntimeException e) {
            log.error("outbox row {} cannot be read, failing it: {}", row.seq(), e.getMessage());
            jdbc.sql(
                            "UPDATE deliveries SET status = 'FAILED', finished_at = now(),"
                                    + " last_error = 'unreadable' WHERE seq = ?")
                    .param(row.seq())
                    .update();
            return Optional.empty();
        }
    }

    /**
     * One transaction for the batch's outcomes: outside one, each row's update would commit (and
     * wait for its WAL flush) on its own.
     */
    @Override
    public void record(List<Attempted> attempts) {
        if (attempts.isEmpty()) {
            return;
        }
        SqlParameterSource[] rows =
                attempts.stream().map(JdbcDeliveryQueue::row).toArray(SqlParameterSource[]::new);
        transactions.executeWithoutResult(status -> recordAll(rows));
    }

    private void recordAll(SqlParameterSource[] rows) {
        named.batchUpdate(
                """
                UPDATE deliveries SET status = :status, attempts = :attempts,
                    next_attempt_at = COALESCE(:nextAttemptAt, next_attempt_at),
                    finished_at = :finishedAt, last_error = :error
                WHERE seq = :seq
                """,
                rows);
    }

    private static SqlParameterSource row(Attempted attempt) {
        return new MapSqlParameterSource()
                .addValue("seq", attempt.seq())
                .addValue("status", attempt.status().name())
                .addValue("attempts", attempt.attempts())
                .addValue("nextAttemptAt", timestamp(attempt.nextAttemptAt()), Types.TIMESTAMP)
                .addValue("finishedAt", timestamp(attempt.finishedAt()), Types.TIMESTAMP)
                .addValue("error", attempt.error(), Types.VARCHAR);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
