package io.tokenmeter.metering.reservation.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.reservation.Hold;
import io.tokenmeter.metering.reservation.ReservationEvents;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reservation metrics (docs/runbook.md): {@code tokenmeter_reservations_total{outcome}}, {@code
 * tokenmeter_reservations_held_tokens} and {@code tokenmeter_reservations_overrun_tokens}.
 */
public class MicrometerReservationEvents implements ReservationEvents {

    private final Counter granted;
    private final Counter raised;
    private final Counter refused;
    private final Counter released;
    private final Counter expired;
    private final Counter settled;
    private final DistributionSummary overrun;
    private final AtomicLong held = new AtomicLong();

    public MicrometerReservationEvents(MeterRegistry registry) {
        this.granted = outcome(registry, "granted");
        this.raised = outcome(registry, "raised");
        this.refused = outcome(registry, "refused");
        this.released = outcome(registry, "released");
        this.expired = outcome(registry, "expired");
        this.settled = outcome(registry, "settled");
        this.overrun =
                DistributionSummary.builder("tokenmeter.reservations.overrun.tokens")
                        .description(
                                "Tokens a settled session used beyond its live hold (0 when within)")
                        .baseUnit("tokens")
                        .serviceLevelObjectives(1, 1_000, 10_000, 100_000, 1_000_000)
                        .register(registry);
        Gauge.builder("tokenmeter.reservations.held.tokens", held, AtomicLong::get)
                .description("Tokens held by live reservations, as of the last sweep")
                .register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("tokenmeter.reservations")
                .description("Reservation requests and what became of holds, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void granted(Hold hold) {
        granted.increment();
    }

    @Override
    public void raised(Hold hold, long previousTokens) {
        raised.increment();
    }

    @Override
    public void refused(String userId, long tokens) {
        refused.increment();
    }

    @Override
    public void released(Hold hold) {
        released.increment();
    }

    @Override
    public void expired(List<Hold> holds) {
        expired.increment(holds.size());
    }

    @Override
    public void settled(Hold hold, boolean live, long usedTokens) {
        if (live) {
            settled.increment();
            overrun.record(Math.max(0, usedTokens - hold.tokens()));
        } else {
            // Its session came after the hold had stopped counting: the pipeline was too slow.
            expired.increment();
        }
    }

    @Override
    public void held(long tokens) {
        held.set(tokens);
    }
}
