package io.tokenmeter.subscription.state;

/** The durable record of Stripe events already handled, written with their effect. */
public interface ProcessedEvents {

    /** Records {@code eventId}; false if it was already recorded (a redelivery). */
    boolean firstDelivery(String eventId);
}
