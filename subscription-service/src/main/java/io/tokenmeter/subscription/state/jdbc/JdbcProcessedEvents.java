package io.tokenmeter.subscription.state.jdbc;

import io.tokenmeter.subscription.state.ProcessedEvents;
import java.sql.Timestamp;
import java.time.Clock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

@Component
class JdbcProcessedEvents implements ProcessedEvents {

    private final JdbcClient jdbc;
    private final Clock clock;

    JdbcProcessedEvents(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public boolean firstDelivery(String eventId) {
        return jdbc.sql(
                                "INSERT INTO processed_stripe_event (event_id, processed_at)"
                                        + " VALUES (?, ?) ON CONFLICT DO NOTHING")
                        .params(eventId, Timestamp.from(clock.instant()))
                        .update()
                == 1;
    }
}
