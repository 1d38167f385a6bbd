package io.tokenmeter.metering.pricing;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The list price of one model in USD per million tokens: uncached input, input read from the
 * provider's cache, and output.
 */
public record ModelPrice(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {

    public ModelPrice {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(cachedInput, "cachedInput");
        Objects.requireNonNull(output, "output");
        if (input.signum() < 0 || cachedInput.signum() < 0 || output.signum() < 0) {
            throw new IllegalArgumentException("a price cannot be negative");
        }
    }

    public static ModelPrice of(String input, String cachedInput, String output) {
        return new ModelPrice(
                new BigDecimal(input), new BigDecimal(cachedInput), new BigDecimal(output));
    }
}
