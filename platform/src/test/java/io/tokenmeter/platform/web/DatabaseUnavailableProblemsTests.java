package io.tokenmeter.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.TransactionSystemException;

class DatabaseUnavailableProblemsTests {

    private final DatabaseUnavailableProblems problems = new DatabaseUnavailableProblems();

    @Test
    void answers503WithRetryAfterWhenTheConnectionWasLostDuringTheCommit() {
        for (Exception cause :
                new Exception[] {
                    // PostgreSQL's driver when the server goes away: connection failure, 08006
                    new SQLException(
                            "An I/O error occurred while sending to the backend.", "08006"),
                    // Hikari when no connection comes back within its timeout
                    new SQLTransientConnectionException(
                            "HikariPool-1 - Connection is not available, request timed out")
                }) {
            ResponseEntity<ProblemDetail> answer =
                    problems.commitFailed(
                            new TransactionSystemException(
                                    "Could not commit JDBC transaction",
                                    new RuntimeException("wrapped", cause)));

            assertThat(answer.getStatusCode().value()).isEqualTo(503);
            assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        }
    }

    @Test
    void answers500WhenTheCommitFailedForAnotherReason() {
        ResponseEntity<ProblemDetail> answer =
                problems.commitFailed(
                        new TransactionSystemException(
                                "Could not commit JDBC transaction",
                                new SQLException("deferred constraint violated", "23505")));

        assertThat(answer.getStatusCode().value()).isEqualTo(500);
        assertThat(answer.getHeaders().containsHeader(HttpHeaders.RETRY_AFTER)).isFalse();
        assertThat(answer.getBody().getType().toString())
                .isEqualTo("urn:tokenmeter:problem:internal");
    }
}
