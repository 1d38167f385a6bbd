package io.tokenmeter.ingress.webhook;

/** The event log did not acknowledge an append in time; the sender should retry later. */
public class EventLogUnavailableException extends Exception {

    public EventLogUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
