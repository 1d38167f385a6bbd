package io.tokenmeter.metering.pricing;

import java.math.BigDecimal;
import java.util.List;

/** The sum of a session's phase charges, exact (unrounded), in USD. */
public record Charges(
        BigDecimal prompt,
        BigDecimal completion,
        BigDecimal cached,
        BigDecimal total,
        BigDecimal cachedSavings) {

    public static Charges sum(List<PhaseCharge> phases) {
        BigDecimal prompt = BigDecimal.ZERO;
        BigDecimal completion = BigDecimal.ZERO;
        BigDecimal cached = BigDecimal.ZERO;
        BigDecimal savings = BigDecimal.ZERO;
        for (PhaseCharge phase : phases) {
            prompt = prompt.add(phase.prompt());
            completion = completion.add(phase.completion());
            cached = cached.add(phase.cached());
            savings = savings.add(phase.cachedSavings());
        }
        return new Charges(prompt, completion, cached, prompt.add(completion).add(cached), savings);
    }
}
