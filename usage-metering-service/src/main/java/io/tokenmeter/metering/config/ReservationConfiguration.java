package io.tokenmeter.metering.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.reservation.AdmissionBatches;
import io.tokenmeter.metering.reservation.ReservationSettlement;
import io.tokenmeter.metering.reservation.ReservationStore;
import io.tokenmeter.metering.reservation.Reservations;
import io.tokenmeter.metering.reservation.jdbc.ExpiredHoldSweeper;
import io.tokenmeter.metering.reservation.jdbc.JdbcReservationStore;
import io.tokenmeter.metering.reservation.metrics.MicrometerReservationEvents;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Builds the reservations core (holds on quotas) and plugs its adapters in. */
@Configuration(proxyBeanMethods = false)
class ReservationConfiguration {

    @Bean
    ReservationStore reservationStore(JdbcTemplate jdbc) {
        return new JdbcReservationStore(jdbc);
    }

    @Bean
    MicrometerReservationEvents reservationEvents(MeterRegistry registry) {
        return new MicrometerReservationEvents(registry);
    }

    @Bean
    Reservations reservations(
            ReservationStore store,
            MicrometerReservationEvents events,
            PlatformTransactionManager transactionManager) {
        return new Reservations(
                store,
                new SpringTransactions(new TransactionTemplate(transactionManager)),
                events,
                Clock.systemUTC());
    }

    /** The HTTP path reserves through it: concurrent requests are decided in batches. */
    @Bean
    AdmissionBatches admissionBatches(Reservations reservations, ReservationProperties properties) {
        return new AdmissionBatches(
                reservations, properties.admissionWorkers(), properties.admissionBatch());
    }

    /** Metering batches settle holds through it (see {@code MeteringConfiguration#usageMeter}). */
    @Bean
    ReservationSettlement reservationSettlement(
            ReservationStore store, MicrometerReservationEvents events) {
        return new ReservationSettlement(store, events);
    }

    @Bean
    ExpiredHoldSweeper expiredHoldSweeper(
            Reservations reservations, ReservationProperties properties) {
        return new ExpiredHoldSweeper(reservations, properties.sweepInterval());
    }
}
