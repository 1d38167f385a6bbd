package io.tokenmeter.subscription.config;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.tokenmeter.platform.kafka.TraceParents;
import io.tokenmeter.platform.outbox.OutboxRelay;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.state.BillingMonitor;
import io.tokenmeter.subscription.state.FactLog;
import io.tokenmeter.subscription.state.PriceTiers;
import io.tokenmeter.subscription.state.ProcessedEvents;
import io.tokenmeter.subscription.state.StripeLinks;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.subscription.state.SubscriptionChanges;
import io.tokenmeter.subscription.state.UserSubscriptions;
import io.tokenmeter.subscription.state.kafka.SubscriptionStateOutbox;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionOperations;

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
    TraceParents traceParents(Tracer tracer, Propagator propagator) {
        return new TraceParents(tracer, propagator);
    }

    @Bean
    OutboxRelay subscriptionStateRelay(
            JdbcClient jdbc,
            KafkaOperations<Object, Object> kafka,
            TransactionOperations transactions,
            TraceParents traceParents) {
        return new OutboxRelay(
                jdbc,
                kafka,
                transactions,
                traceParents,
                SubscriptionStateOutbox.TABLE,
                Topics.SUBSCRIPTION_STATE.name(),
                SubscriptionStateOutbox.RELAY_LOCK);
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
