package io.tokenmeter.ingress.webhook;

/** Port: reads the facts the ingress needs from a Stripe event body. */
public interface StripeEventReader {

    /** The body's facts, or why the body is not a Stripe event. Never throws on bad input. */
    Reading read(byte[] body);

    /** The result of reading a body. */
    sealed interface Reading {}

    /** The body is a Stripe event. */
    record Event(StripeEventFacts facts) implements Reading {}

    /** The body is not a Stripe event; {@code reason} says why without quoting it. */
    record NotAnEvent(String reason) implements Reading {}
}
