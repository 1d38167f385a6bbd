package io.tokenmeter.metering.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.testsupport.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A reservation waiting for its admission holds no request thread: with a single one, another
 * request is answered while a reservation waits for its user's lock.
 */
@IntegrationTest(
        properties = {
            "tokenmeter.metering.api-token=" + ReservationRequestThreadsIntegrationTests.TOKEN,
            "server.tomcat.threads.max=1",
            "server.tomcat.threads.min-spare=1"
        })
class ReservationRequestThreadsIntegrationTests {

    static final String TOKEN = "reservation-threads-token";

    @LocalServerPort int port;
    @Autowired DataSource dataSource;
    @Autowired JdbcTemplate jdbc;

    final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    @Test
    void aReservationWaitingForItsUsersLockLeavesTheOnlyRequestThreadToOthers() throws Exception {
        String user = "u_" + UUID.randomUUID();
        assertThat(
                        http.send(reserve(user, "first"), HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(201);
        CompletableFuture<HttpResponse<String>> waiting;
        try (Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (PreparedStatement lock =
                    blocker.prepareStatement(
                            "select user_id from metering.reservation_user where user_id = ? for update")) {
                lock.setString(1, user);
                try (ResultSet locked = lock.executeQuery()) {
                    assertThat(locked.next()).isTrue();
                }
            }
            waiting = http.sendAsync(reserve(user, "second"), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    jdbc.queryForObject(
                                                    "select count(*) from pg_stat_activity"
                                                            + " where datname = current_database()"
                                                            + " and wait_event_type = 'Lock'",
                                                    Long.class)
                                            > 0);

            HttpResponse<String> other =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://localhost:"
                                                            + port
                                                            + "/api/usage/u_"
                                                            + UUID.randomUUID()))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .timeout(Duration.ofSeconds(5))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(waiting).isNotDone();
            blocker.rollback();
        }
        assertThat(waiting.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
    }

    HttpRequest reserve(String user, String session) {
        return HttpRequest.newBuilder(
                        URI.create(
                                "http://localhost:"
                                        + port
                                        + "/api/usage/"
                                        + user
                                        + "/reservations"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(
                        HttpRequest.BodyPublishers.ofString(
                                "{\"session_id\": \""
                                        + session
                                        + "-"
                                        + user
                                        + "\", \"tokens\": 1000}"))
                .build();
    }
}
