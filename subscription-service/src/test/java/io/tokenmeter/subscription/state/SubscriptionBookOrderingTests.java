package io.tokenmeter.subscription.state;

import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_CREATED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_UPDATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.Lifecycles.Action;
import io.tokenmeter.subscription.state.Lifecycles.Lifecycle;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** CONTRACT rule 6 on the core: any order, any duplicates, same state as in-order delivery. */
class SubscriptionBookOrderingTests {

    @Property(tries = 500)
    void anyDeliveryOrderWithDuplicatesConvergesToTheInOrderState(
            @ForAll("lifecycles") List<Action> actions, @ForAll Random random) {
        Lifecycle lifecycle = Lifecycles.build("u_1", actions);

        UserSubscription inOrder = new InMemoryBook().deliver(lifecycle.events()).state("u_1");
        UserSubscription shuffled =
                new InMemoryBook()
                        .deliver(Lifecycles.shuffledWithDuplicates(lifecycle.events(), random))
                        .state("u_1");

        assertThat(shuffled).isEqualTo(inOrder);
    }

    @Property(tries = 500)
    void inOrderDeliveryEndsWhereTheLifecycleModelSays(@ForAll("lifecycles") List<Action> actions) {
        Lifecycle lifecycle = Lifecycles.build("u_1", actions);

        UserSubscription state = new InMemoryBook().deliver(lifecycle.events()).state("u_1");

        assertThat(state.tier()).isEqualTo(lifecycle.tier());
        assertThat(state.status()).isEqualTo(lifecycle.status());
        assertThat(state.subscriptionId()).isEqualTo(lifecycle.subscriptionId());
        assertThat(state.customerId()).isEqualTo(lifecycle.customerId());
        assertThat(state.period()).isEqualTo(lifecycle.period());
        assertThat(state.paymentFailed()).isEqualTo(lifecycle.paymentFailed());
        assertThat(state.lastEventCreated())
                .isEqualTo(lifecycle.events().get(lifecycle.events().size() - 1).created());
    }

    @Property(tries = 200)
    void usersDeliveredTogetherDoNotAffectEachOther(
            @ForAll("lifecycles") List<Action> first,
            @ForAll("lifecycles") List<Action> second,
            @ForAll Random random) {
        Lifecycle one = Lifecycles.build("u_1", first);
        Lifecycle two = Lifecycles.build("u_2", second);
        List<StripeFact> both = new ArrayList<>(one.events());
        both.addAll(two.events());

        InMemoryBook together =
                new InMemoryBook().deliver(Lifecycles.shuffledWithDuplicates(both, random));

        assertThat(together.state("u_1"))
                .isEqualTo(new InMemoryBook().deliver(one.events()).state("u_1"));
        assertThat(together.state("u_2"))
                .isEqualTo(new InMemoryBook().deliver(two.events()).state("u_2"));
    }

    @Property(tries = 200)
    void theLastPublishedStateIsTheFinalState(
            @ForAll("lifecycles") List<Action> actions, @ForAll Random random) {
        Lifecycle lifecycle = Lifecycles.build("u_1", actions);
        InMemoryBook book =
                new InMemoryBook()
                        .deliver(Lifecycles.shuffledWithDuplicates(lifecycle.events(), random));

        assertThat(book.published).isNotEmpty();
        assertThat(book.published.get(book.published.size() - 1)).isEqualTo(book.state("u_1"));
    }

    @Property(tries = 1000)
    void everyUsersPublishedVersionsOnlyGrowAndTheHighestIsTheInOrderState(
            @ForAll("lifecycles") List<Action> first,
            @ForAll("lifecycles") List<Action> second,
            @ForAll Random random) {
        Lifecycle one = Lifecycles.build("u_1", first);
        Lifecycle two = Lifecycles.build("u_2", second);
        List<StripeFact> both = new ArrayList<>(one.events());
        both.addAll(two.events());

        InMemoryBook book =
                new InMemoryBook().deliver(Lifecycles.shuffledWithDuplicates(both, random));

        for (Lifecycle lifecycle : List.of(one, two)) {
            String user = lifecycle.userId();
            List<Long> versions = new ArrayList<>();
            UserSubscription highest = null;
            long highestVersion = Long.MIN_VALUE;
            for (int i = 0; i < book.published.size(); i++) {
                if (book.published.get(i).userId().equals(user)) {
                    long version = book.publishedVersions.get(i);
                    versions.add(version);
                    if (version > highestVersion) {
                        highestVersion = version;
                        highest = book.published.get(i);
                    }
                }
            }
            assertThat(versions)
                    .as("versions published for %s", user)
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(highest)
                    .as("the state a consumer keeping the highest version ends on")
                    .isEqualTo(new InMemoryBook().deliver(lifecycle.events()).state(user));
        }
    }

    /**
     * Issue 13's order: a re-fold ends on a state whose Stripe times are older than those of a
     * state announced before it, so only the version tells the consumers which one is newer.
     */
    @Example
    void aRefoldThatEndsOnOlderStripeTimesStillPublishesTheHighestVersion() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        BillingPeriod first = new BillingPeriod(t0, t0.plus(Duration.ofDays(30)));
        BillingPeriod second =
                new BillingPeriod(first.end(), first.end().plus(Duration.ofDays(30)));
        Instant s = first.end();
        String price = InMemoryBook.PRICES.priceOf(Tier.ESSENTIEL).orElseThrow();
        List<StripeFact> delivered =
                List.of(
                        new SubscriptionChanged(
                                "evt_1",
                                t0,
                                SUBSCRIPTION_CREATED,
                                "sub_1",
                                "cus_1",
                                "u_1",
                                "active",
                                price,
                                first),
                        new InvoicePayment(
                                "evt_2",
                                t0.plusSeconds(1),
                                true,
                                "in_1",
                                "sub_1",
                                "cus_1",
                                "u_1",
                                first),
                        new SubscriptionChanged(
                                "evt_3",
                                s,
                                SUBSCRIPTION_UPDATED,
                                "sub_1",
                                "cus_1",
                                "u_1",
                                "active",
                                price,
                                second),
                        new InvoicePayment(
                                "evt_4",
                                s.plusSeconds(1),
                                false,
                                "in_2",
                                "sub_1",
                                "cus_1",
                                "u_1",
                                second),
                        new SubscriptionChanged(
                                "evt_5",
                                s.plusSeconds(1),
                                SUBSCRIPTION_UPDATED,
                                "sub_1",
                                "cus_1",
                                "u_1",
                                "past_due",
                                price,
                                second),
                        // invoice.payment_succeeded, delivered before its twin invoice.paid
                        new InvoicePayment(
                                "evt_7",
                                s.plusSeconds(5),
                                true,
                                "in_2",
                                "sub_1",
                                "cus_1",
                                "u_1",
                                second),
                        new InvoicePayment(
                                "evt_6",
                                s.plusSeconds(4),
                                true,
                                "in_2",
                                "sub_1",
                                "cus_1",
                                "u_1",
                                second),
                        new SubscriptionChanged(
                                "evt_8",
                                s.plusSeconds(3),
                                SUBSCRIPTION_UPDATED,
                                "sub_1",
                                "cus_1",
                                "u_1",
                                "active",
                                price,
                                second));
        List<StripeFact> inOrder = new ArrayList<>(delivered);
        inOrder.sort((a, b) -> a.key().compareTo(b.key()));

        InMemoryBook book = new InMemoryBook().deliver(delivered);

        UserSubscription expected = new InMemoryBook().deliver(inOrder).state("u_1");
        assertThat(expected.status()).isEqualTo("active");
        assertThat(expected.paymentFailed()).isFalse();
        UserSubscription newestByStripeTime =
                book.published.stream()
                        .max(Comparator.comparing(UserSubscription::lastEventCreated))
                        .orElseThrow();
        assertThat(newestByStripeTime.status())
                .as("the hazard: ordered by Stripe times, a consumer would keep past_due")
                .isEqualTo("past_due");
        assertThat(book.publishedVersions).isSorted().doesNotHaveDuplicates();
        assertThat(book.published.get(book.published.size() - 1)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<List<Action>> lifecycles() {
        return Lifecycles.actions(12);
    }
}
