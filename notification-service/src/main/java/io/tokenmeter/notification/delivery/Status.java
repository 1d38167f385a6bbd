package io.tokenmeter.notification.delivery;

/** Where a delivery stands. Only PENDING ones are ever sent. */
public enum Status {
    PENDING,
    SENT,
    SKIPPED,
    FAILED
}
