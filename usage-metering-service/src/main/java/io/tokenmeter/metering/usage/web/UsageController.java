package io.tokenmeter.metering.usage.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.reservation.Quota;
import io.tokenmeter.metering.reservation.Reservations;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The quota answer for the grading pipeline (CONTRACT §3.5). */
@RestController
class UsageController {

    private final Reservations reservations;
    private final Counter allowed;
    private final Counter denied;

    UsageController(Reservations reservations, MeterRegistry registry) {
        this.reservations = reservations;
        this.allowed = decisions(registry, true);
        this.denied = decisions(registry, false);
    }

    /**
     * The user's usage in their current period (FREE: lifetime), the tokens their live holds take,
     * and whether they may go on: {@code remaining_tokens = max(0, limit - used - reserved)}.
     */
    @GetMapping("/api/usage/{userId}")
    QuotaResponse usage(@PathVariable String userId) {
        Quota quota = reservations.quotaOf(userId);
        (quota.allowed() ? allowed : denied).increment();
        return new QuotaResponse(
                quota.userId(),
                quota.plan().tier().name(),
                quota.used(),
                quota.limit(),
                quota.remainingTokens(),
                quota.plan().periodStart().orElse(null),
                quota.plan().periodEnd().orElse(null),
                quota.held(),
                quota.allowed());
    }

    record QuotaResponse(
            String userId,
            String tier,
            long tokensUsed,
            long limit,
            long remainingTokens,
            Instant periodStart,
            Instant periodEnd,
            long reservedTokens,
            boolean allowed) {}

    private static Counter decisions(MeterRegistry registry, boolean allowed) {
        return Counter.builder("tokenmeter.quota.decisions")
                .description("Quota answers given, by outcome")
                .tag("allowed", String.valueOf(allowed))
                .register(registry);
    }
}
