package io.tokenmeter.metering.usage.kafka;

import io.tokenmeter.events.CostBreakdown;
import io.tokenmeter.events.PhaseCost;
import io.tokenmeter.events.SessionCost;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.metering.pricing.Charges;
import io.tokenmeter.metering.pricing.Money;
import io.tokenmeter.metering.pricing.PhaseCharge;
import io.tokenmeter.metering.usage.PhaseUsage;
import io.tokenmeter.metering.usage.PricedSession;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Maps metering results onto the contract's Avro records (CONTRACT §3.4, §4.3). */
public final class OutboundRecords {

    private OutboundRecords() {}

    public static SessionCost sessionCost(PricedSession priced) {
        List<PhaseCost> phases = new ArrayList<>(priced.phaseCharges().size());
        for (int i = 0; i < priced.phaseCharges().size(); i++) {
            PhaseUsage usage = priced.usage().phases().get(i);
            PhaseCharge charge = priced.phaseCharges().get(i);
            phases.add(
                    new PhaseCost(
                            usage.phase(),
                            usage.model(),
                            usage.promptTokens(),
                            usage.cachedTokens(),
                            usage.completionTokens(),
                            Money.format(charge.total())));
        }
        Charges charges = priced.charges();
        return new SessionCost(
                priced.usage().sessionId(),
                priced.usage().userId(),
                priced.usage().completedAt(),
                priced.usage().totalTokens(),
                phases,
                new CostBreakdown(
                        Money.format(charges.prompt()),
                        Money.format(charges.completion()),
                        Money.format(charges.cached()),
                        Money.format(charges.total()),
                        Money.format(charges.cachedSavings())));
    }

    public static UsageState usageState(UsageSnapshot usage, Instant at) {
        return new UsageState(
                usage.userId(),
                usage.plan().tier().name(),
                usage.plan().periodStart().orElse(null),
                usage.plan().periodEnd().orElse(null),
                usage.tokensUsed(),
                usage.limit(),
                at);
    }

    public static UsageThresholdCrossed thresholdCrossed(ThresholdCrossing crossing) {
        return new UsageThresholdCrossed(
                crossing.userId(),
                crossing.thresholdPercent(),
                crossing.tokensUsed(),
                crossing.limit(),
                crossing.periodStart().orElse(null),
                crossing.crossedAt());
    }
}
