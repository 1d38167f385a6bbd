package io.tokenmeter.subscription.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.subscription.state.Lifecycles.Action;
import io.tokenmeter.subscription.state.Lifecycles.Lifecycle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
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

    @Provide
    Arbitrary<List<Action>> lifecycles() {
        return Lifecycles.actions(12);
    }
}
