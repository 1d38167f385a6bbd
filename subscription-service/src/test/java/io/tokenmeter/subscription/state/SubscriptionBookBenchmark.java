package io.tokenmeter.subscription.state;

import com.google.gson.JsonParser;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.subscription.state.Lifecycles.Action;
import io.tokenmeter.subscription.state.Lifecycles.Lifecycle;
import io.tokenmeter.subscription.state.kafka.StripeEventParser;
import io.tokenmeter.subscription.state.kafka.StripeEvents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How fast the core keeps states, against a naive event-sourced baseline that refolds a user's
 * whole history on every event; and how fast Stripe payloads parse with stripe-java's model,
 * against a bare Gson parse. Not a test (no {@code Tests} suffix): run it with
 *
 * <pre>
 * ./mvnw -B -o -pl subscription-service -am -Pbenchmark -DskipTests test
 * </pre>
 */
public final class SubscriptionBookBenchmark {

    private static final int USERS = 2_000;
    private static final int STEPS = 40;
    private static final Map<String, String> OWNERS = new HashMap<>();

    public static void main(String[] args) {
        List<StripeFact> inOrder = new ArrayList<>();
        Random random = new Random(42);
        Lifecycles.Step[] steps = Lifecycles.Step.values();
        for (int u = 0; u < USERS; u++) {
            List<Action> actions = new ArrayList<>();
            actions.add(new Action(Lifecycles.Step.SUBSCRIBE_PRO, false, false, true, false));
            for (int i = 1; i < STEPS; i++) {
                actions.add(
                        new Action(
                                steps[random.nextInt(steps.length)],
                                random.nextBoolean(),
                                random.nextBoolean(),
                                random.nextBoolean(),
                                random.nextInt(4) == 0));
            }
            List<StripeFact> events = Lifecycles.build("u_" + u, actions).events();
            for (StripeFact event : events) {
                OWNERS.put(event.eventId(), "u_" + u);
            }
            inOrder.addAll(events);
        }
        List<StripeFact> shuffled = Lifecycles.shuffledWithDuplicates(inOrder, new Random(7));
        System.out.printf(
                "%d users, %d events in order, %d shuffled with duplicates%n",
                USERS, inOrder.size(), shuffled.size());

        for (int round = 0; round < 3; round++) {
            boolean last = round == 2;
            report(last, "in order", inOrder);
            report(last, "shuffled + duplicates", shuffled);
        }
        parsing();
    }

    private static void report(boolean print, String name, List<StripeFact> events) {
        long book = time(() -> new InMemoryBook().deliver(events));
        long naive = time(() -> naive(events));
        if (print) {
            System.out.printf(
                    "%-22s book %,10.0f events/s   naive refold %,10.0f events/s   ratio %.1fx%n",
                    name,
                    rate(events.size(), book),
                    rate(events.size(), naive),
                    (double) naive / book);
        }
    }

    /**
     * The baseline: every event appended to its user's history (the owner is known up front, so the
     * baseline does no linking or parking at all), the whole history folded again.
     */
    private static Map<String, UserSubscription> naive(List<StripeFact> events) {
        Map<String, List<StripeFact>> histories = new HashMap<>();
        Map<String, UserSubscription> states = new HashMap<>();
        for (StripeFact fact : events) {
            String user = OWNERS.get(fact.eventId());
            List<StripeFact> history = histories.computeIfAbsent(user, u -> new ArrayList<>());
            history.add(fact);
            states.put(user, SubscriptionLifecycle.replay(user, history, InMemoryBook.PRICES));
        }
        return states;
    }

    private static void parsing() {
        List<StripeWebhookEvent> records = new ArrayList<>();
        Random random = new Random(3);
        for (int u = 0; u < 200; u++) {
            Lifecycle lifecycle =
                    Lifecycles.build(
                            "u_" + u,
                            List.of(
                                    new Action(
                                            Lifecycles.Step.SUBSCRIBE_PRO,
                                            true,
                                            false,
                                            true,
                                            false),
                                    new Action(Lifecycles.Step.RENEW, false, false, false, false),
                                    new Action(
                                            Lifecycles.Step.FAIL_PAYMENT,
                                            false,
                                            false,
                                            false,
                                            false)));
            lifecycle
                    .events()
                    .forEach(e -> records.add(StripeEvents.record(e, random.nextBoolean())));
        }
        StripeEventParser parser = new StripeEventParser();
        long stripe = 0;
        long gson = 0;
        for (int round = 0; round < 5; round++) {
            stripe = time(() -> records.forEach(parser::parse));
            gson = time(() -> records.forEach(r -> JsonParser.parseString(r.getPayload())));
        }
        System.out.printf(
                "%-22s stripe-java %,8.0f events/s   bare Gson tree %,8.0f events/s   ratio %.1fx%n",
                "parsing",
                rate(records.size(), stripe),
                rate(records.size(), gson),
                (double) stripe / gson);
    }

    private static double rate(int events, long nanos) {
        return events / (nanos / 1e9);
    }

    private static long time(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return System.nanoTime() - start;
    }
}
