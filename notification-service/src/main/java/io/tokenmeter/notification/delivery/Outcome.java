package io.tokenmeter.notification.delivery;

/** How one attempt to deliver went. */
public sealed interface Outcome {

    /** Accepted: SMTP answered 250, the endpoint 2xx. */
    record Sent() implements Outcome {}

    /** Not now (server unreachable, 5xx, timeout): tried again after a back-off. */
    record Retry(String reason) implements Outcome {}

    /** Never: the endpoint is gone (410) or the address rejected. Counted, not retried. */
    record Failed(String reason) implements Outcome {}

    /** Nothing to send on this channel (no address, unsubscribed, no endpoint). Counted. */
    record Skipped(String reason) implements Outcome {}
}
