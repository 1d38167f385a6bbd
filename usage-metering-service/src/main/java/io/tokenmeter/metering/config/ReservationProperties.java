package io.tokenmeter.metering.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Reservation settings ({@code tokenmeter.metering.reservations.*}).
 *
 * @param sweepInterval how often expired holds are deleted and the tokens held measured
 */
@ConfigurationProperties("tokenmeter.metering.reservations")
public record ReservationProperties(Duration sweepInterval) {

    public ReservationProperties {
        if (sweepInterval == null) {
            sweepInterval = Duration.ofSeconds(10);
        }
    }
}
