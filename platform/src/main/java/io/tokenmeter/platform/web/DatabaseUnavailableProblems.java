package io.tokenmeter.platform.web;

import io.tokenmeter.platform.kafka.KafkaErrorHandlingAutoConfiguration;
import java.net.URI;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A request that needs the database while it is unreachable, restarting, out of connections or
 * timing out is answered {@code 503} with {@code Retry-After}, as an RFC 9457 problem: the caller
 * (the grading pipeline asking for a quota, a browser) can tell "try again shortly" from a defect,
 * which a {@code 500} would suggest. The exception types are the Kafka listeners' outage path's
 * ({@link KafkaErrorHandlingAutoConfiguration}). Ahead of each service's own catch-all handler.
 *
 * <p>A commit that fails ({@link TransactionSystemException}) is an outage too when its cause is a
 * lost connection (SQLState class 08, or the pool's timeout); any other commit failure is a {@code
 * 500}.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DatabaseUnavailableProblems {

    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableProblems.class);

    static final String RETRY_AFTER_SECONDS = "5";

    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        TransientDataAccessException.class,
        CannotCreateTransactionException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception failure) {
        // No stack trace: the cause is outside this process, and an outage would flood the log.
        log.warn("answering 503, the database is unavailable: {}", failure.getMessage());
        return unavailable();
    }

    @ExceptionHandler(TransactionSystemException.class)
    ResponseEntity<ProblemDetail> commitFailed(TransactionSystemException failure) {
        if (lostConnection(failure)) {
            log.warn(
                    "answering 503, the database went away during a commit: {}",
                    failure.getMessage());
            return unavailable();
        }
        log.error("a transaction failed to commit", failure);
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.INTERNAL_SERVER_ERROR,
                        "The request could not be completed; try again shortly.");
        problem.setType(URI.create("urn:tokenmeter:problem:internal"));
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(problem);
    }

    /** A connection error (SQLState class 08) or the pool's timeout anywhere among the causes. */
    static boolean lostConnection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || (cause instanceof SQLException sql
                            && sql.getSQLState() != null
                            && sql.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
    }

    private static ResponseEntity<ProblemDetail> unavailable() {
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "The database is unavailable; try again in a few seconds.");
        problem.setTitle("Temporarily unavailable");
        problem.setType(URI.create("urn:tokenmeter:problem:database-unavailable"));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .body(problem);
    }
}
