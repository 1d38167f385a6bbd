package io.tokenmeter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code ops notifications} against notification-service's real schema (its Flyway migration). */
class FailedNotificationsIntegrationTests {

    static final Path MIGRATION =
            Path.of("")
                    .toAbsolutePath()
                    .getParent()
                    .getParent()
                    .resolve(
                            "notification-service/src/main/resources/db/migration/V1__notifications.sql");

    static TestDatabase database;

    @BeforeAll
    static void schema() throws Exception {
        database = TestInfrastructure.createDatabase(FailedNotificationsIntegrationTests.class);
        execute(
                "CREATE SCHEMA notification; SET search_path = notification; "
                        + Files.readString(MIGRATION));
        execute(
                """
                INSERT INTO notification.deliveries (notification_id, channel, user_id, kind, cause,
                    occurred_at, queued_at, next_attempt_at, status, attempts, finished_at,
                    last_error)
                VALUES ('msg_a', 'WEBHOOK', 'u_gone', 'THRESHOLD_70', '{}', now(), now(), now(),
                        'FAILED', 1, '2026-12-02T10:00:00Z', 'gone'),
                       ('msg_b', 'EMAIL', 'u_late', 'THRESHOLD_90', '{}', now(), now(), now(),
                        'FAILED', 17, '2026-12-03T10:00:00Z', 'gave up after 17 attempts: SMTP'),
                       ('msg_d', 'EMAIL', 'u_retry', 'THRESHOLD_100', '{}', now(), now(), now(),
                        'FAILED', 17, '2026-12-03T11:00:00Z', 'gave up after 17 attempts: SMTP'),
                       ('msg_c', 'EMAIL', 'u_fine', 'THRESHOLD_90', '{}', now(), now(), now(),
                        'SENT', 1, '2026-12-03T10:00:00Z', NULL)
                """);
    }

    @Test
    void listsFailedNotificationsOnlySinceTheGivenTime() {
        Result all = ops("notifications", "list-failed");
        Result recent = ops("notifications", "list-failed", "--since", "2026-12-03T00:00:00Z");

        assertThat(all.status()).isEqualTo(Ops.OK);
        assertThat(all.output()).contains("u_gone", "gone", "u_late").doesNotContain("u_fine");
        assertThat(all.output()).containsPattern("\\d failed notification\\(s\\)");
        assertThat(recent.output()).contains("u_late").doesNotContain("u_gone");
    }

    @Test
    void resendsOneFailedNotificationAsPendingWithAFreshWindow() throws Exception {
        long seq = seqOf("msg_d");

        Result resent = ops("notifications", "resend", "--seq", String.valueOf(seq));
        Result again = ops("notifications", "resend", "--seq", String.valueOf(seq));

        assertThat(resent.status()).as(resent.output()).isEqualTo(Ops.OK);
        assertThat(resent.output()).contains("1 notification(s) pending again");
        assertThat(again.status()).isEqualTo(Ops.REFUSED);
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery(
                                "SELECT status, attempts, last_error, queued_at > now() -"
                                        + " interval '1 minute' AS fresh FROM"
                                        + " notification.deliveries WHERE seq = "
                                        + seq)) {
            row.next();
            assertThat(row.getString("status")).isEqualTo("PENDING");
            assertThat(row.getInt("attempts")).isZero();
            assertThat(row.getString("last_error")).isNull();
            assertThat(row.getBoolean("fresh")).isTrue();
        }
    }

    @Test
    void resendsEveryFailedNotificationSinceTheGivenTime() throws Exception {
        execute(
                """
                INSERT INTO notification.deliveries (notification_id, channel, user_id, kind, cause,
                    occurred_at, queued_at, next_attempt_at, status, attempts, finished_at,
                    last_error)
                VALUES ('msg_e', 'EMAIL', 'u_later', 'THRESHOLD_70', '{}', now(), now(), now(),
                        'FAILED', 17, '2030-01-02T10:00:00Z', 'gave up after 17 attempts: SMTP')
                """);

        Result resent = ops("notifications", "resend", "--all", "--since", "2030-01-01T00:00:00Z");

        assertThat(resent.status()).as(resent.output()).isEqualTo(Ops.OK);
        assertThat(resent.output()).contains("resend: 1 notification(s) pending again");
        assertThat(ops("notifications", "list-failed").output()).doesNotContain("u_later");
    }

    @Test
    void refusesWithoutADatabase() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status =
                Ops.run(
                        List.of("notifications", "list-failed"),
                        Map.of(),
                        new PrintStream(buffer, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(Ops.USAGE);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("DATABASE_URL");
    }

    private record Result(int status, String output) {}

    private static Result ops(String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int status =
                Ops.run(
                        List.of(args),
                        Map.of(
                                "DATABASE_URL", database.jdbcUrl(),
                                "DATABASE_USER", database.username(),
                                "DATABASE_PASSWORD", database.password()),
                        new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return new Result(status, buffer.toString(StandardCharsets.UTF_8));
    }

    private static long seqOf(String notificationId) throws Exception {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet row =
                        statement.executeQuery(
                                "SELECT seq FROM notification.deliveries WHERE notification_id = '"
                                        + notificationId
                                        + "'")) {
            row.next();
            return row.getLong(1);
        }
    }

    private static void execute(String sql) throws Exception {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
    }
}
