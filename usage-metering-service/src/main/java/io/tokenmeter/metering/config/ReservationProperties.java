package io.tokenmeter.metering.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
        @DefaultValue("10s") Duration sweepInterval,
        @DefaultValue("3") int admissionWorkers,
        @DefaultValue("64") int admissionBatch) {}
