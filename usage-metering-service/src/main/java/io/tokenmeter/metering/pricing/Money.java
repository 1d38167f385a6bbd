package io.tokenmeter.metering.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How money leaves the service: a USD decimal string with exactly six decimals. Amounts are
 * computed exactly and rounded once, here, half up.
 */
public final class Money {

    public static final int SCALE = 6;

    private Money() {}

    public static String format(BigDecimal amount) {
        return amount.setScale(SCALE, RoundingMode.HALF_UP).toPlainString();
    }
}
