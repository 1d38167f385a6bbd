package io.tokenmeter.notification.delivery;

/** Delivers on one channel (port). Answers every failure as an {@link Outcome}; never throws. */
public interface Sender {

    Outcome send(Delivery delivery);
}
