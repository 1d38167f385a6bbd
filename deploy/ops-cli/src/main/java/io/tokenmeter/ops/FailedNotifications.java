package io.tokenmeter.ops;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * notification-service's given-up notifications (table {@code notification.deliveries}, status
 * {@code FAILED}): lists them, and sends them again by making them pending with a fresh 24 h
 * window; the running service picks them up (a webhook keeps its {@code webhook-id}).
 */
@Command(
        name = "notifications",
        description = "notification-service's failed notifications: list them, send them again.")
final class FailedNotifications {

    static final int LIST_LIMIT = 1000;

    /** {@code --since} when not given: the beginning of time. */
    static final String BEGINNING = "1970-01-01T00:00:00Z";

    @ParentCommand Ops ops;

    @Command(name = "list-failed", description = "Notifications given up on, oldest first.")
    int list(
            @Option(
                            names = "--since",
                            paramLabel = "<ISO-8601 time>",
                            defaultValue = BEGINNING,
                            description = "only those that failed since then")
                    Instant since)
            throws SQLException {
        try (Connection connection = connect();
                PreparedStatement select =
                        connection.prepareStatement(
                                """
                                SELECT seq, finished_at, channel, kind, user_id, attempts, last_error
                                FROM notification.deliveries
                                WHERE status = 'FAILED' AND finished_at >= ?
                                ORDER BY seq LIMIT ?
                                """)) {
            select.setTimestamp(1, Timestamp.from(since));
            select.setInt(2, LIST_LIMIT);
            int count = 0;
            try (ResultSet rows = select.executeQuery()) {
                ops.out.printf(
                        "%-10s %-24s %-8s %-18s %-24s %-8s %s%n",
                        "seq", "failed at", "channel", "kind", "user", "attempts", "why");
                while (rows.next()) {
                    count++;
                    ops.out.printf(
                            "%-10d %-24s %-8s %-18s %-24s %-8d %s%n",
                            rows.getLong("seq"),
                            rows.getTimestamp("finished_at").toInstant(),
                            rows.getString("channel"),
                            rows.getString("kind"),
                            rows.getString("user_id"),
                            rows.getInt("attempts"),
                            rows.getString("last_error"));
                }
            }
            ops.out.println(
                    count
                            + " failed notification(s)"
                            + (count == LIST_LIMIT ? " (first " + LIST_LIMIT + ")" : ""));
            return Ops.OK;
        }
    }

    @Command(name = "resend", description = "Queues failed notifications again.")
    int resend(
            @ArgGroup(multiplicity = "1") Which which,
            @Option(names = "--since", paramLabel = "<ISO-8601 time>", defaultValue = BEGINNING)
                    Instant since)
            throws SQLException {
        try (Connection connection = connect();
                PreparedStatement update =
                        connection.prepareStatement(
                                """
                                UPDATE notification.deliveries
                                SET status = 'PENDING', attempts = 0, queued_at = now(),
                                    next_attempt_at = now(), finished_at = NULL, last_error = NULL
                                WHERE status = 'FAILED' AND seq = coalesce(?, seq)
                                    AND finished_at >= ?
                                """)) {
            update.setObject(1, which.seq, Types.BIGINT); // null with --all: every one
            update.setTimestamp(2, Timestamp.from(since));
            int resent = update.executeUpdate();
            ops.out.println("resend: " + resent + " notification(s) pending again");
            return resent == 0 && which.seq != null ? Ops.REFUSED : Ops.OK;
        }
    }

    static final class Which {
        @Option(names = "--seq", required = true, description = "one notification")
        Long seq;

        @Option(names = "--all", required = true, description = "every failed one")
        boolean all;
    }

    private Connection connect() throws SQLException {
        return ops.database("notifications need notification-service's database");
    }
}
