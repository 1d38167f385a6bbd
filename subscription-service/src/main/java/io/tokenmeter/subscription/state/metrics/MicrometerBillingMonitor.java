package io.tokenmeter.subscription.state.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.subscription.state.BillingMonitor;
import io.tokenmeter.subscription.state.StripeFact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Unknown prices as a WARN log line and {@code tokenmeter.subscription.unknown_price}. */
@Component
class MicrometerBillingMonitor implements BillingMonitor {

    private static final Logger log = LoggerFactory.getLogger(MicrometerBillingMonitor.class);

    private final Counter unknownPrices;

    MicrometerBillingMonitor(MeterRegistry registry) {
        this.unknownPrices =
                Counter.builder("tokenmeter.subscription.unknown_price")
                        .description(
                                "Subscription events whose price maps to no tier (tier left unchanged)")
                        .register(registry);
    }

    @Override
    public void unknownPrice(StripeFact fact, String priceId) {
        log.warn(
                "Stripe event {} ({}) of subscription {} has price {}, which no STRIPE_PRICE_ID_*"
                        + " names: tier left unchanged",
                fact.eventId(),
                fact.kind(),
                fact.subscriptionId(),
                priceId);
        unknownPrices.increment();
    }
}
