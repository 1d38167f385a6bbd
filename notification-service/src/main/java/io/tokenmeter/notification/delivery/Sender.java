package io.tokenmeter.notification.delivery;

import java.util.ArrayList;
import java.util.List;

/** Delivers on one channel (port). Answers every failure as an {@link Outcome}; never throws. */
public interface Sender {

    Outcome send(Delivery delivery);

    /**
     * Delivers several, answering an outcome for each, in order. A channel whose connections are
     * costly to open (SMTP) sends them over one.
     */
    default List<Outcome> sendAll(List<Delivery> deliveries) {
        List<Outcome> outcomes = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            outcomes.add(send(delivery));
        }
        return outcomes;
    }
}
