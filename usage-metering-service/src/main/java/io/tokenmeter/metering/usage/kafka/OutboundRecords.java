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
import io.tokenmeter.metering.usage.SessionUsage;
import io.tokenmeter.metering.usage.ThresholdCrossing;
import io.tokenmeter.metering.usage.UsageSnapshot;
import io.tokenmeter.platform.kafka.TraceParents;
import io.tokenmeter.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Maps metering results onto the contract's Avro records (CONTRACT §3.4, §4.3). */
public final class OutboundRecords {

    private OutboundRecords() {}

    /**
     * One announcement as Kafka records: each cost (with its delivery's {@code traceparent}, if
     * any), then each usage state, then each crossing, all keyed by user id (a String).
     */
    public static List<ProducerRecord<Object, Object>> records(
            List<PricedSession> costs,
            List<UsageSnapshot> usage,
            List<ThresholdCrossing> crossings,
            Instant at) {
        List<ProducerRecord<Object, Object>> records =
                new ArrayList<>(costs.size() + usage.size() + crossings.size());
        for (PricedSession cost : costs) {
            ProducerRecord<Object, Object> record =
                    new ProducerRecord<>(
                            Topics.SESSION_COST.name(), cost.usage().userId(), sessionCost(cost));
            if (cost.usage().traceParent() != null) {
                record.headers()
                        .add(
                                TraceParents.HEADER,
                                cost.usage().traceParent().getBytes(StandardCharsets.US_ASCII));
            }
            records.add(record);
        }
        for (UsageSnapshot snapshot : usage) {
            records.add(
                    new ProducerRecord<>(
                            Topics.USAGE_STATE.name(),
                            snapshot.userId(),
                            usageState(snapshot, at)));
        }
        for (ThresholdCrossing crossing : crossings) {
            records.add(
                    new ProducerRecord<>(
                            Topics.USAGE_THRESHOLD.name(),
                            crossing.userId(),
                            thresholdCrossed(crossing)));
        }
        return records;
    }

    /**
     * The longest amount of money written, in bytes: a decimal string with six decimals, of a cost
     * of at most {@code Long.MAX_VALUE} tokens at any plausible price, with its length prefix.
     */
    static final int MONEY_BYTES_AT_MOST = 48;

    /**
     * A record's key, headers and framing: a user id of at most 1 kB, a traceparent, batch room.
     */
    static final int ENVELOPE_BYTES_AT_MOST = 2_048;

    /**
     * The most bytes the cost record of {@code session} can take, delivered in {@code delivered}: a
     * {@code SessionCost} repeats the {@code SessionCompleted} field for field and adds {@code
     * total_tokens}, a price per phase and the breakdown's five amounts.
     */
    static long costRecordBytesAtMost(ConsumerRecord<?, ?> delivered, SessionUsage session) {
        long value = Math.max(0, delivered.serializedValueSize());
        return value
                + 10 // total_tokens, a varint
                + (long) MONEY_BYTES_AT_MOST * (session.phases().size() + 5)
                + ENVELOPE_BYTES_AT_MOST;
    }

    private static SessionCost sessionCost(PricedSession priced) {
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

    private static UsageState usageState(UsageSnapshot usage, Instant at) {
        return new UsageState(
                usage.userId(),
                usage.plan().tier().name(),
                usage.plan().periodStart().orElse(null),
                usage.plan().periodEnd().orElse(null),
                usage.tokensUsed(),
                usage.limit(),
                at);
    }

    private static UsageThresholdCrossed thresholdCrossed(ThresholdCrossing crossing) {
        return new UsageThresholdCrossed(
                crossing.userId(),
                crossing.thresholdPercent(),
                crossing.tokensUsed(),
                crossing.limit(),
                crossing.periodStart().orElse(null),
                crossing.crossedAt());
    }
}
