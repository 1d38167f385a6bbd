package io.tokenmeter.platform.web;

import io.tokenmeter.platform.kafka.KafkaErrorHandlingAutoConfiguration;
import java.net.URI;
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
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A request that needs the database while it is unreachable, restarting, out of connections or
 * timing out is answered {@code 503} with {@code Retry-After}, as an RFC 9457 problem: the caller
 * (the grading pipeline asking for a quota, a browser) can tell "try again shortly" from a defect,
 * which a {@code 500} would suggest. The exception types are the Kafka listeners' outage path's
 * ({@link KafkaErrorHandlingAutoConfiguration}). Ahead of each service's own catch-all handler.
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
