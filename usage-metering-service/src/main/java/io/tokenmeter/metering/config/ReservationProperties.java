package io.tokenmeter.metering.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Reservation settings ({@code tokenmeter.metering.reservations.*}).
 *
 * @param sweepInterval how often expired holds are deleted and the tokens held measured
 * @param admissionWorkers how many batches of reservations are decided side by side (each holds a
 *     connection while it runs)
 * @param admissionBatch the most reservations decided in one transaction
 */
@ConfigurationProperties("tokenmeter.metering.reservations")
public record ReservationProperties(
        Duration sweepInterval, Integer admissionWorkers, Integer admissionBatch) {

    public ReservationProperties {
        if (sweepInterval == null) {
            sweepInterval = Duration.ofSeconds(10);
        }
        if (admissionWorkers == null) {
            admissionWorkers = 3;
        }
        if (admissionBatch == null) {
            admissionBatch = 64;
        }
    }
}
