package io.tokenmeter.subscription.config;

import io.tokenmeter.subscription.state.BillingMonitor;
import io.tokenmeter.subscription.state.FactLog;
import io.tokenmeter.subscription.state.PriceTiers;
import io.tokenmeter.subscription.state.ProcessedEvents;
import io.tokenmeter.subscription.state.StripeLinks;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.subscription.state.SubscriptionChanges;
import io.tokenmeter.subscription.state.UserSubscriptions;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Builds the core of the subscription state feature from its adapters. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class StateConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    PriceTiers priceTiers(StripeProperties stripe) {
        return new PriceTiers(stripe.prices());
    }

    @Bean
    SubscriptionBook subscriptionBook(
            ProcessedEvents processed,
            FactLog facts,
            StripeLinks links,
            UserSubscriptions subscriptions,
            SubscriptionChanges changes,
            BillingMonitor monitor,
            PriceTiers prices,
            Clock clock) {
        return new SubscriptionBook(
                processed, facts, links, subscriptions, changes, monitor, prices, clock);
    }
}
