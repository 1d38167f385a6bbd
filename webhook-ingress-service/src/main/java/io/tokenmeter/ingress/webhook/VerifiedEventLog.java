package io.tokenmeter.ingress.webhook;

import java.time.Duration;

/** Port: the durable log every verified event is handed to (Kafka, in production). */
public interface VerifiedEventLog {

    /**
     * Appends the event and returns once the log has acknowledged it durably.
     *
     * @throws EventLogUnavailableException when the log did not acknowledge within {@code timeout};
     *     the event may or may not have been stored
     */
    void append(VerifiedEvent event, Duration timeout) throws EventLogUnavailableException;
}
