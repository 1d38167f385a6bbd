package io.tokenmeter.platform.kafka;

/**
 * A record that decoded but breaks the contract (a negative token count, a missing id). Retrying
 * cannot fix it, so the error handler dead-letters it at once with this message as the reason.
 */
public class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String message) {
        super(message);
    }
}
