package io.tokenmeter.ingress.webhook;

/** What became of one webhook delivery. */
public sealed interface WebhookOutcome {

    /** The event is durably in the event log. */
    record Accepted(VerifiedEvent event) implements WebhookOutcome {}

    /** The delivery was refused; nothing was stored. {@code detail} never quotes the body. */
    record Rejected(Rejection rejection, String detail) implements WebhookOutcome {}

    /** The event was verified but the log did not acknowledge it in time; Stripe should retry. */
    record Unavailable(StripeEventFacts facts, String detail) implements WebhookOutcome {}
}
