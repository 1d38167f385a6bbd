package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.PublishedStates;
import io.tokenmeter.subscription.RunningService;
import io.tokenmeter.subscription.state.InMemoryBook;
import io.tokenmeter.subscription.state.Lifecycles;
import io.tokenmeter.subscription.state.Lifecycles.Action;
import io.tokenmeter.subscription.state.Lifecycles.Lifecycle;
import io.tokenmeter.subscription.state.Lifecycles.Step;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * CONTRACT rules 6 and 7 through the real broker and database: random lifecycles delivered in
 * random order with duplicates end where in-order delivery does, and a second instance replaying
 * the topic from offset 0 into an empty database rebuilds the same states and publishes the same
 * sequence of states.
 */
class DeliveryOrderIntegrationTests {

    private static RunningService live;

    @BeforeContainer
    static void start() {
        live = RunningService.start(DeliveryOrderIntegrationTests.class);
    }

    @AfterContainer
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    /**
     * Several users' lifecycles in one shuffled delivery: each ends in its in-order state, and the
     * states published for it have strictly growing versions, the highest being that state.
     */
    @Property(tries = 25, shrinking = ShrinkingMode.OFF)
    void anyDeliveryOrderWithDuplicatesThroughTheBrokerEndsInTheInOrderState(
            @ForAll("severalLifecycles") List<List<Action>> users, @ForAll Random random) {
        List<Lifecycle> lifecycles = new ArrayList<>();
        List<StripeFact> all = new ArrayList<>();
        for (List<Action> actions : users) {
            String user = "u_" + UUID.randomUUID().toString().substring(0, 8);
            Lifecycle lifecycle = Lifecycles.build(user, actions);
            lifecycles.add(lifecycle);
            all.addAll(lifecycle.events());
        }

        send(Lifecycles.shuffledWithDuplicates(all, random), random);

        SubscriptionBook book = live.bean(SubscriptionBook.class);
        for (Lifecycle lifecycle : lifecycles) {
            String user = lifecycle.userId();
            UserSubscription expected = new InMemoryBook().deliver(lifecycle.events()).state(user);
            await().untilAsserted(() -> assertThat(book.of(user)).isEqualTo(expected));
            await().pollInterval(Duration.ofMillis(250))
                    .untilAsserted(
                            () -> {
                                List<SubscriptionState> states = PublishedStates.of(user);
                                assertThat(states).isNotEmpty();
                                assertThat(states.stream().map(SubscriptionState::getVersion))
                                        .isSorted()
                                        .doesNotHaveDuplicates();
                                assertPublishes(expected, states.get(states.size() - 1));
                            });
        }
    }

    private static void assertPublishes(UserSubscription expected, SubscriptionState published) {
        assertThat(published.getTier()).isEqualTo(expected.tier().name());
        assertThat(published.getStatus()).isEqualTo(expected.status());
        assertThat(published.getPaymentFailed()).isEqualTo(expected.paymentFailed());
        assertThat(published.getStripeSubscriptionId()).isEqualTo(expected.subscriptionId());
        assertThat(published.getLastStripeEventCreated()).isEqualTo(expected.lastEventCreated());
    }

    @Example
    void replayingTheTopicIntoAnEmptyDatabaseRebuildsTheSameStatesAndPublishesTheSameSequence() {
        // One customer per user, as the ingress keys events by customer: each user's events then
        // share a partition and are replayed in the order they were first consumed.
        Random random = new Random(7);
        List<Lifecycle> lifecycles = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String user = "u_replay_" + i + "_" + UUID.randomUUID().toString().substring(0, 6);
            lifecycles.add(Lifecycles.build(user, replayActions(random)));
        }
        List<StripeFact> all = new ArrayList<>();
        lifecycles.forEach(lifecycle -> all.addAll(lifecycle.events()));
        send(Lifecycles.shuffledWithDuplicates(all, random), random);

        SubscriptionBook liveBook = live.bean(SubscriptionBook.class);
        for (Lifecycle lifecycle : lifecycles) {
            UserSubscription expected =
                    new InMemoryBook().deliver(lifecycle.events()).state(lifecycle.userId());
            await().untilAsserted(
                            () -> assertThat(liveBook.of(lifecycle.userId())).isEqualTo(expected));
        }
        awaitOutboxDrained(live);
        List<List<SubscriptionState>> livePublished =
                lifecycles.stream()
                        .map(l -> withoutUpdatedAt(PublishedStates.of(l.userId())))
                        .toList();

        try (RunningService replay = RunningService.start(DeliveryOrderIntegrationTests.class)) {
            SubscriptionBook replayBook = replay.bean(SubscriptionBook.class);
            for (Lifecycle lifecycle : lifecycles) {
                await().untilAsserted(
                                () ->
                                        assertThat(replayBook.of(lifecycle.userId()))
                                                .isEqualTo(liveBook.of(lifecycle.userId())));
            }
            awaitOutboxDrained(replay);
            for (int i = 0; i < lifecycles.size(); i++) {
                List<SubscriptionState> before = livePublished.get(i);
                List<SubscriptionState> published = PublishedStates.of(lifecycles.get(i).userId());
                long highestBefore = published.get(before.size() - 1).getVersion();
                List<SubscriptionState> rebuilt =
                        published.subList(before.size(), published.size());
                assertThat(rebuilt.get(0).getVersion())
                        .as("a rebuilt service's versions continue above the live ones")
                        .isGreaterThan(highestBefore);
                assertThat(rebuilt.stream().map(SubscriptionState::getVersion))
                        .isSorted()
                        .doesNotHaveDuplicates();
                assertThat(withoutUpdatedAt(rebuilt))
                        .as("states the replay published for %s", lifecycles.get(i).userId())
                        .isEqualTo(before);
            }
        }
    }

    @Provide
    Arbitrary<List<List<Action>>> severalLifecycles() {
        return Lifecycles.actions(10).list().ofMinSize(1).ofMaxSize(6);
    }

    private static List<Action> replayActions(Random random) {
        List<Action> actions = new ArrayList<>();
        Step[] steps = Step.values();
        actions.add(new Action(Step.SUBSCRIBE_PRO, random.nextBoolean(), false, true, false));
        for (int i = 0; i < 8; i++) {
            actions.add(
                    new Action(
                            steps[random.nextInt(steps.length)],
                            random.nextBoolean(),
                            random.nextBoolean(),
                            random.nextBoolean(),
                            false));
        }
        return actions;
    }

    private static void awaitOutboxDrained(RunningService service) {
        JdbcClient jdbc = service.bean(JdbcClient.class);
        await().untilAsserted(
                        () ->
                                assertThat(
                                                jdbc.sql(
                                                                "SELECT count(*) FROM subscription_state_outbox")
                                                        .query(Long.class)
                                                        .single())
                                        .isZero());
    }

    /** The states without what differs between a service and its rebuild: times and versions. */
    private static List<SubscriptionState> withoutUpdatedAt(List<SubscriptionState> states) {
        return states.stream()
                .map(
                        s ->
                                SubscriptionState.newBuilder(s)
                                        .setUpdatedAt(Instant.EPOCH)
                                        .setVersion(0)
                                        .build())
                .toList();
    }

    private static void send(List<StripeFact> events, Random random) {
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            for (StripeFact event : events) {
                producer.send(
                        new ProducerRecord<>(
                                Topics.STRIPE_WEBHOOK_EVENTS.name(),
                                event.customerId(),
                                StripeEvents.record(event, random.nextBoolean())));
            }
            producer.flush();
        }
    }
}
