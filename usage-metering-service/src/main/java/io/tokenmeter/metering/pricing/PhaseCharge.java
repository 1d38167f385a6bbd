package io.tokenmeter.metering.pricing;

import java.math.BigDecimal;

/**
 * What one phase of a session cost, exactly (unrounded), in USD.
 *
 * @param prompt uncached input tokens at the input price
 * @param cached cached input tokens at the cached-input price
 * @param completion output tokens at the output price
 * @param cachedSavings what the cached tokens would have cost at the input price, minus {@code
 *     cached}
 */
public record PhaseCharge(
        BigDecimal prompt, BigDecimal cached, BigDecimal completion, BigDecimal cachedSavings) {

    public BigDecimal total() {
        return prompt.add(cached).add(completion);
    }
}
