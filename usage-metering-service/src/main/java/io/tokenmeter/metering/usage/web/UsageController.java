package io.tokenmeter.metering.usage.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.metering.usage.UsageSnapshot;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The quota answer for the grading pipeline (CONTRACT §3.5). */
@RestController
class UsageController {

    private final UsageMeter meter;
    private final Counter allowed;
    private final Counter denied;

    UsageController(UsageMeter meter, MeterRegistry registry) {
        this.meter = meter;
        this.allowed = decisions(registry, true);
        this.denied = decisions(registry, false);
    }

    /** The user's usage in their current period (FREE: lifetime) and whether they may go on. */
    @GetMapping("/api/usage/{userId}")
    QuotaResponse usage(@PathVariable String userId) {
        UsageSnapshot usage = meter.usageOf(userId);
        (usage.allowed() ? allowed : denied).increment();
        return new QuotaResponse(
                usage.userId(),
                usage.plan().tier().name(),
                usage.tokensUsed(),
                usage.limit(),
                usage.remainingTokens(),
                usage.plan().periodStart().orElse(null),
                usage.plan().periodEnd().orElse(null),
                usage.allowed());
    }

    record QuotaResponse(
            String userId,
            String tier,
            long tokensUsed,
            long limit,
            long remainingTokens,
            Instant periodStart,
            Instant periodEnd,
            boolean allowed) {}

    private static Counter decisions(MeterRegistry registry, boolean allowed) {
        return Counter.builder("tokenmeter.quota.decisions")
                .description("Quota answers given, by outcome")
                .tag("allowed", String.valueOf(allowed))
                .register(registry);
    }
}
