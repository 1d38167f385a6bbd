package io.tokenmeter.subscription.state;

import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_CREATED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_DELETED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_UPDATED;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random but realistic subscription lifecycles of one user, as the Stripe events they cause in
 * Stripe's order, with the state a simple model expects at the end. Events that happen in the same
 * second are emitted in {@link FactKind} order, as Stripe does.
 */
public final class Lifecycles {

    /** A price that no {@code STRIPE_PRICE_ID_*} names. */
    public static final String UNKNOWN_PRICE = "price_unknown";

    /**
     * Suffix of the event id of the {@code invoice.payment_succeeded} twin of an {@code
     * invoice.paid}.
     */
    public static final String SUCCEEDED_TWIN = "_succeeded";

    private static final Duration MONTH = Duration.ofDays(30);

    /** One thing a user or Stripe does. */
    public enum Step {
        SUBSCRIBE_ESSENTIEL,
        SUBSCRIBE_PRO,
        SUBSCRIBE_MAX,
        CHANGE_TO_ESSENTIEL,
        CHANGE_TO_PRO,
        CHANGE_TO_MAX,
        CHANGE_TO_UNKNOWN_PRICE,
        RENEW,
        FAIL_PAYMENT,
        RECOVER_PAYMENT,
        CANCEL
    }

    /**
     * A step and how Stripe tells it: whether the events name the user themselves, whether the step
     * happens in the same second as the previous one, whether a paid invoice also comes as {@code
     * invoice.payment_succeeded}, whether a new subscription gets a new customer.
     */
    public record Action(
            Step step, boolean namesUser, boolean sameSecond, boolean twin, boolean newCustomer) {}

    /** The events of a lifecycle, in order, and what the model expects at the end. */
    public record Lifecycle(
            String userId,
            List<StripeFact> events,
            Tier tier,
            String status,
            String subscriptionId,
            String customerId,
            BillingPeriod period,
            boolean paymentFailed) {}

    private Lifecycles() {}

    /** Lifecycles that start with a subscription, then up to {@code maxSize - 1} more steps. */
    public static Arbitrary<List<Action>> actions(int maxSize) {
        Arbitrary<Action> action =
                Combinators.combine(
                                Arbitraries.of(Step.class),
                                Arbitraries.of(true, false),
                                Arbitraries.of(true, false),
                                Arbitraries.of(true, false),
                                Arbitraries.of(true, false))
                        .as(Action::new);
        Arbitrary<Action> subscribe = action.filter(a -> a.step().name().startsWith("SUBSCRIBE"));
        return Combinators.combine(subscribe, action.list().ofMaxSize(maxSize - 1))
                .as(
                        (first, rest) -> {
                            List<Action> all = new ArrayList<>();
                            all.add(first);
                            all.addAll(rest);
                            return all;
                        });
    }

    /** Every event once or more, in a random order. */
    public static List<StripeFact> shuffledWithDuplicates(List<StripeFact> events, Random random) {
        List<StripeFact> delivered = new ArrayList<>(events);
        for (StripeFact event : events) {
            if (random.nextInt(3) == 0) {
                delivered.add(event);
            }
        }
        Collections.shuffle(delivered, random);
        return delivered;
    }

    public static Lifecycle build(String userId, List<Action> actions) {
        return new Builder(userId, Instant.parse("2026-01-01T00:00:00Z")).run(actions);
    }

    private static final class Builder {
        private final String userId;
        private final String prefix;
        private final List<StripeFact> events = new ArrayList<>();
        private Instant now;
        private FactKey last;
        private int sequence;
        private int customers;
        private int subscriptions;
        private String customer;
        private String subscription;
        private String stripePrice;
        private BillingPeriod period;
        private Tier tier = Tier.FREE;
        private String status = UserSubscription.FREE_STATUS;
        private boolean failed;

        Builder(String userId, Instant start) {
            this.userId = userId;
            this.prefix = userId.replaceAll("[^A-Za-z0-9]", "");
            this.now = start;
        }

        Lifecycle run(List<Action> actions) {
            for (Action action : actions) {
                if (!action.sameSecond()) {
                    now = now.plus(Duration.ofDays(1));
                }
                step(action);
            }
            return new Lifecycle(
                    userId,
                    List.copyOf(events),
                    tier,
                    status,
                    subscription,
                    customer,
                    period,
                    failed);
        }

        private boolean live() {
            return subscription != null && !"canceled".equals(status);
        }

        private void step(Action action) {
            switch (action.step()) {
                case SUBSCRIBE_ESSENTIEL -> subscribe(action, Tier.ESSENTIEL);
                case SUBSCRIBE_PRO -> subscribe(action, Tier.PRO);
                case SUBSCRIBE_MAX -> subscribe(action, Tier.MAX);
                case CHANGE_TO_ESSENTIEL -> change(action, Tier.ESSENTIEL);
                case CHANGE_TO_PRO -> change(action, Tier.PRO);
                case CHANGE_TO_MAX -> change(action, Tier.MAX);
                case CHANGE_TO_UNKNOWN_PRICE -> {
                    if (live()) {
                        stripePrice = UNKNOWN_PRICE;
                        updated(action);
                    }
                }
                case RENEW -> renew(action);
                case FAIL_PAYMENT -> {
                    if (live()) {
                        emit(
                                new InvoicePayment(
                                        id(),
                                        now,
                                        false,
                                        invoice(),
                                        subscription,
                                        customer,
                                        user(action),
                                        period));
                        failed = true;
                        status = "past_due";
                        updated(action);
                    }
                }
                case RECOVER_PAYMENT -> {
                    if (live() && failed) {
                        paid(action, invoice(), period);
                        failed = false;
                        status = "active";
                        updated(action);
                    }
                }
                case CANCEL -> {
                    if (live()) {
                        status = "canceled";
                        emit(
                                new SubscriptionChanged(
                                        id(),
                                        now,
                                        SUBSCRIPTION_DELETED,
                                        subscription,
                                        customer,
                                        user(action),
                                        "canceled",
                                        stripePrice,
                                        period));
                        tier = Tier.FREE;
                        period = null;
                        failed = false;
                    }
                }
            }
        }

        private void subscribe(Action action, Tier newTier) {
            if (live()) {
                change(action, newTier);
                return;
            }
            if (customer == null || action.newCustomer()) {
                customer = "cus_" + prefix + "_" + ++customers;
            }
            subscription = "sub_" + prefix + "_" + ++subscriptions;
            stripePrice = InMemoryBook.PRICES.priceOf(newTier).orElseThrow();
            period = new BillingPeriod(now, now.plus(MONTH));
            tier = newTier;
            status = "active";
            failed = false;
            emit(
                    new SubscriptionChanged(
                            id(),
                            now,
                            SUBSCRIPTION_CREATED,
                            subscription,
                            customer,
                            user(action),
                            status,
                            stripePrice,
                            period));
            paid(action, invoice(), period);
            emit(new CheckoutCompleted(id(), now, userId, customer, subscription));
        }

        private void change(Action action, Tier newTier) {
            if (!live()) {
                subscribe(action, newTier);
                return;
            }
            stripePrice = InMemoryBook.PRICES.priceOf(newTier).orElseThrow();
            tier = newTier;
            updated(action);
        }

        private void renew(Action action) {
            if (!live()) {
                return;
            }
            now = now.isBefore(period.end()) ? period.end() : now;
            period = new BillingPeriod(period.end(), period.end().plus(MONTH));
            status = "active";
            failed = false;
            updated(action);
            now = now.plus(Duration.ofHours(1));
            paid(action, invoice(), period);
        }

        private void updated(Action action) {
            emit(
                    new SubscriptionChanged(
                            id(),
                            now,
                            SUBSCRIPTION_UPDATED,
                            subscription,
                            customer,
                            user(action),
                            status,
                            stripePrice,
                            period));
        }

        private void paid(Action action, String invoice, BillingPeriod billed) {
            String id = id();
            emit(
                    new InvoicePayment(
                            id, now, true, invoice, subscription, customer, user(action), billed));
            if (action.twin()) {
                emit(
                        new InvoicePayment(
                                id + SUCCEEDED_TWIN,
                                now,
                                true,
                                invoice,
                                subscription,
                                customer,
                                user(action),
                                billed));
            }
        }

        private String user(Action action) {
            return action.namesUser() ? userId : null;
        }

        private String id() {
            return "evt_" + prefix + "_" + String.format("%04d", ++sequence);
        }

        private String invoice() {
            return "in_" + prefix + "_" + String.format("%04d", sequence);
        }

        /** Appends the event, a second later if it would otherwise sort before the previous one. */
        private void emit(StripeFact fact) {
            StripeFact placed = fact;
            if (last != null && fact.key().compareTo(last) <= 0) {
                now = now.plusSeconds(1);
                placed = at(fact, now);
            }
            events.add(placed);
            last = placed.key();
        }

        private static StripeFact at(StripeFact fact, Instant created) {
            if (fact instanceof CheckoutCompleted c) {
                return new CheckoutCompleted(
                        c.eventId(), created, c.userId(), c.customerId(), c.subscriptionId());
            } else if (fact instanceof SubscriptionChanged s) {
                return new SubscriptionChanged(
                        s.eventId(),
                        created,
                        s.kind(),
                        s.subscriptionId(),
                        s.customerId(),
                        s.userId(),
                        s.status(),
                        s.price(),
                        s.period());
            }
            InvoicePayment p = (InvoicePayment) fact;
            return new InvoicePayment(
                    p.eventId(),
                    created,
                    p.paid(),
                    p.invoiceId(),
                    p.subscriptionId(),
                    p.customerId(),
                    p.userId(),
                    p.billedPeriod());
        }
    }
}
