package io.tokenmeter.metering.pricing;

import static java.math.BigDecimal.ZERO;

import java.math.BigDecimal;

/**
 * Prices token counts with a {@link PriceTable}. A model missing from the table is priced at zero
 * and reported to the {@link UnknownModels} port: usage is never dropped for want of a price.
 */
public final class Pricer {

    private final PriceTable table;
    private final UnknownModels unknownModels;

    public Pricer(PriceTable table, UnknownModels unknownModels) {
        this.table = table;
        this.unknownModels = unknownModels;
    }

    public PhaseCharge charge(String model, long prompt, long cached, long completion) {
        return table.find(model)
                .map(price -> charge(price, prompt, cached, completion))
                .orElseGet(
                        () -> {
                            unknownModels.priced(model);
                            return new PhaseCharge(ZERO, ZERO, ZERO, ZERO);
                        });
    }

    static PhaseCharge charge(ModelPrice price, long prompt, long cached, long completion) {
        BigDecimal promptCost = perMillion(prompt, price.input());
        BigDecimal cachedCost = perMillion(cached, price.cachedInput());
        BigDecimal completionCost = perMillion(completion, price.output());
        BigDecimal savings = perMillion(cached, price.input()).subtract(cachedCost);
        return new PhaseCharge(promptCost, cachedCost, completionCost, savings);
    }

    private static BigDecimal perMillion(long tokens, BigDecimal pricePerMillion) {
        // Dividing by 10^6 is exact: it only moves the decimal point.
        return BigDecimal.valueOf(tokens).multiply(pricePerMillion).movePointLeft(6);
    }

    /** Told about every phase priced at zero because its model is not in the table. */
    public interface UnknownModels {
        void priced(String model);
    }
}
