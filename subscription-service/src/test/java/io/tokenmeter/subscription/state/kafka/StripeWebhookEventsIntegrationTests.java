package io.tokenmeter.subscription.state.kafka;

import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_CREATED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_DELETED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_UPDATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.schemas.Tier;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.PublishedStates;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.subscription.state.UserSubscription;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Stripe events through the real broker and database, each type in both API layouts (on the real
 * fixtures), down to the {@code SubscriptionState} published.
 */
// Closed after the class: every instance of this service publishes to the same state topic, and
// tests that read it must see only their own instance's records.
@DirtiesContext
@IntegrationTest(
        properties = {
            "spring.kafka.consumer.group-id=subscription-events-test",
            "STRIPE_PRICE_ID_ESSENTIEL=price_essentiel",
            "STRIPE_PRICE_ID_PRO=price_pro",
            "STRIPE_PRICE_ID_MAX=price_max"
        })
class StripeWebhookEventsIntegrationTests {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final BillingPeriod NOVEMBER =
            new BillingPeriod(T0, Instant.parse("2026-12-01T00:00:00Z"));
    private static final BillingPeriod DECEMBER =
            new BillingPeriod(NOVEMBER.end(), Instant.parse("2027-01-01T00:00:00Z"));

    @Autowired SubscriptionBook book;
    @Autowired MeterRegistry meters;

    @ParameterizedTest(name = "basil layout: {0}")
    @ValueSource(booleans = {true, false})
    void followsASubscriptionFromCheckoutToCancellation(boolean basil) {
        String user = "u_life_" + basil;
        String sub = "sub_life_" + basil;
        String cus = "cus_life_" + basil;
        String evt = "evt_life_" + basil + "_";

        // The subscription and its first invoice come before the checkout that names the user.
        send(
                basil,
                created(
                        evt + 1,
                        T0,
                        SUBSCRIPTION_CREATED,
                        sub,
                        cus,
                        null,
                        "active",
                        "price_pro",
                        NOVEMBER));
        send(
                basil,
                new InvoicePayment(evt + 2, T0, true, "in_1_" + basil, sub, cus, null, NOVEMBER));
        send(basil, new CheckoutCompleted(evt + 3, T0.plusSeconds(1), user, cus, sub));

        awaitState(user, Tier.PRO, "active", NOVEMBER, false);
        SubscriptionState published = awaitPublished(user, Tier.PRO);
        assertThat(published.getStripeCustomerId()).isEqualTo(cus);
        assertThat(published.getStripeSubscriptionId()).isEqualTo(sub);
        assertThat(published.getPeriodStart()).isEqualTo(NOVEMBER.start());
        assertThat(published.getPeriodEnd()).isEqualTo(NOVEMBER.end());
        assertThat(published.getLastStripeEventCreated()).isEqualTo(T0.plusSeconds(1));

        // Renewal fails, then succeeds; the invoice.payment_succeeded twin counts once.
        Instant renewal = DECEMBER.start();
        send(
                basil,
                created(
                        evt + 4,
                        renewal,
                        SUBSCRIPTION_UPDATED,
                        sub,
                        cus,
                        null,
                        "active",
                        "price_pro",
                        DECEMBER));
        send(
                basil,
                new InvoicePayment(
                        evt + 5,
                        renewal.plusSeconds(3600),
                        false,
                        "in_2_" + basil,
                        sub,
                        cus,
                        null,
                        DECEMBER));
        awaitState(user, Tier.PRO, "active", DECEMBER, true);
        send(
                basil,
                new InvoicePayment(
                        evt + 6,
                        renewal.plusSeconds(7200),
                        true,
                        "in_2_" + basil,
                        sub,
                        cus,
                        null,
                        DECEMBER));
        send(
                basil,
                new InvoicePayment(
                        evt + 6 + "_succeeded",
                        renewal.plusSeconds(7200),
                        true,
                        "in_2_" + basil,
                        sub,
                        cus,
                        null,
                        DECEMBER));
        awaitState(user, Tier.PRO, "active", DECEMBER, false);

        // Upgrade, then cancellation.
        send(
                basil,
                created(
                        evt + 7,
                        renewal.plusSeconds(9000),
                        SUBSCRIPTION_UPDATED,
                        sub,
                        cus,
                        user,
                        "active",
                        "price_max",
                        DECEMBER));
        awaitState(user, Tier.MAX, "active", DECEMBER, false);
        send(
                basil,
                created(
                        evt + 8,
                        renewal.plusSeconds(9999),
                        SUBSCRIPTION_DELETED,
                        sub,
                        cus,
                        user,
                        "canceled",
                        "price_max",
                        DECEMBER));
        awaitState(user, Tier.FREE, "canceled", null, false);
        SubscriptionState last = awaitPublished(user, Tier.FREE);
        assertThat(last.getStatus()).isEqualTo("canceled");
        assertThat(last.getPeriodStart()).isNull();
        assertThat(last.getStripeCustomerId()).isEqualTo(cus);
    }

    @Test
    void anOlderEventArrivingLateDoesNotRollTheStateBack() {
        String user = "u_late";
        send(true, new CheckoutCompleted("evt_late_1", T0, user, "cus_late", "sub_late"));
        send(
                true,
                created(
                        "evt_late_3",
                        T0.plusSeconds(60),
                        SUBSCRIPTION_UPDATED,
                        "sub_late",
                        "cus_late",
                        null,
                        "active",
                        "price_max",
                        NOVEMBER));
        awaitState(user, Tier.MAX, "active", NOVEMBER, false);

        send(
                false,
                created(
                        "evt_late_2",
                        T0.plusSeconds(1),
                        SUBSCRIPTION_CREATED,
                        "sub_late",
                        "cus_late",
                        null,
                        "active",
                        "price_essentiel",
                        NOVEMBER));
        send(
                false,
                new CheckoutCompleted(
                        "evt_late_marker", T0.plusSeconds(61), user, "cus_late", "sub_late"));

        // The marker is newer and on the same partition: once it is applied, so is the late one.
        await().untilAsserted(
                        () ->
                                assertThat(book.of(user).lastFact().eventId())
                                        .isEqualTo("evt_late_marker"));
        assertThat(book.of(user).period()).isEqualTo(NOVEMBER);
        assertThat(book.of(user).tier()).isEqualTo(Tier.MAX);
    }

    @Test
    void anUnknownPriceLeavesTheTierAndIsCounted() {
        String user = "u_unknown_price";
        double before = unknownPrices();
        send(true, new CheckoutCompleted("evt_up_1", T0, user, "cus_up", "sub_up"));
        send(
                true,
                created(
                        "evt_up_2",
                        T0.plusSeconds(1),
                        SUBSCRIPTION_CREATED,
                        "sub_up",
                        "cus_up",
                        user,
                        "active",
                        "price_essentiel",
                        NOVEMBER));
        send(
                true,
                created(
                        "evt_up_3",
                        T0.plusSeconds(2),
                        SUBSCRIPTION_UPDATED,
                        "sub_up",
                        "cus_up",
                        user,
                        "active",
                        "price_nobody_knows",
                        NOVEMBER));

        await().untilAsserted(
                        () ->
                                assertThat(book.of(user).lastEventCreated())
                                        .isEqualTo(T0.plusSeconds(2)));
        assertThat(book.of(user).tier()).isEqualTo(Tier.ESSENTIEL);
        assertThat(unknownPrices()).isEqualTo(before + 1);
    }

    @Test
    void deadLettersAnUnreadableEventWithTheReasonAndMovesOn() {
        var unreadable =
                StripeEvents.record(
                        new CheckoutCompleted("evt_bad_1", T0, "u_bad", "cus_bad", null), true);
        unreadable.setPayload("{\"id\": \"evt_bad_1\", \"data\": ");
        TestKafka.send(Topics.STRIPE_WEBHOOK_EVENTS, "cus_bad", unreadable);
        send(true, new CheckoutCompleted("evt_bad_2", T0.plusSeconds(1), "u_bad", "cus_bad", null));

        await().untilAsserted(() -> assertThat(book.of("u_bad").customerId()).isEqualTo("cus_bad"));
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () ->
                                assertThat(
                                                TestKafka.readAllRaw(
                                                                Topics.STRIPE_WEBHOOK_EVENTS
                                                                        .deadLetterTopic())
                                                        .stream()
                                                        .map(
                                                                record ->
                                                                        record.headers()
                                                                                .lastHeader(
                                                                                        KafkaHeaders
                                                                                                .DLT_EXCEPTION_MESSAGE))
                                                        .filter(header -> header != null)
                                                        .map(
                                                                StripeWebhookEventsIntegrationTests
                                                                        ::text))
                                        .anySatisfy(
                                                reason ->
                                                        assertThat(reason)
                                                                .contains("evt_bad_1")
                                                                .contains(
                                                                        "not Stripe event JSON")));
    }

    @Test
    void publishesTheStateInTheTraceOfTheStripeEventThatChangedIt() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        CheckoutCompleted checkout =
                new CheckoutCompleted("evt_traced_1", T0, "u_traced", "cus_traced", null);

        TestKafka.send(
                Topics.STRIPE_WEBHOOK_EVENTS,
                checkout.customerId(),
                StripeEvents.record(checkout, true),
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));

        await().pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () ->
                                assertThat(TestKafka.readAllRaw(Topics.SUBSCRIPTION_STATE.name()))
                                        .filteredOn(record -> "u_traced".equals(record.key()))
                                        .isNotEmpty()
                                        .allSatisfy(
                                                record ->
                                                        assertThat(
                                                                        record.headers()
                                                                                .lastHeader(
                                                                                        "traceparent"))
                                                                .isNotNull()
                                                                .extracting(
                                                                        StripeWebhookEventsIntegrationTests
                                                                                ::text)
                                                                .asString()
                                                                .matches(
                                                                        "00-"
                                                                                + traceId
                                                                                + "-[0-9a-f]{16}-01")));
    }

    private static String text(Header header) {
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private double unknownPrices() {
        var counter = meters.find("tokenmeter.subscription.unknown_price").counter();
        return counter == null ? 0 : counter.count();
    }

    private void awaitState(
            String user, Tier tier, String status, BillingPeriod period, boolean failed) {
        await().untilAsserted(
                        () -> {
                            UserSubscription state = book.of(user);
                            assertThat(state.tier()).isEqualTo(tier);
                            assertThat(state.status()).isEqualTo(status);
                            assertThat(state.period()).isEqualTo(period);
                            assertThat(state.paymentFailed()).isEqualTo(failed);
                        });
    }

    private SubscriptionState awaitPublished(String user, Tier tier) {
        UserSubscription state = book.of(user);
        await().pollInterval(Duration.ofMillis(250))
                .untilAsserted(
                        () -> {
                            assertThat(PublishedStates.latest(user)).isPresent();
                            SubscriptionState published = PublishedStates.latest(user).get();
                            assertThat(published.getTier()).isEqualTo(tier.name());
                            assertThat(published.getStatus()).isEqualTo(state.status());
                            assertThat(published.getPaymentFailed())
                                    .isEqualTo(state.paymentFailed());
                        });
        return PublishedStates.latest(user).orElseThrow();
    }

    private static SubscriptionChanged created(
            String id,
            Instant at,
            FactKind change,
            String sub,
            String cus,
            String user,
            String status,
            String price,
            BillingPeriod period) {
        return new SubscriptionChanged(id, at, change, sub, cus, user, status, price, period);
    }

    private static void send(boolean basil, StripeFact fact) {
        TestKafka.send(
                Topics.STRIPE_WEBHOOK_EVENTS, fact.customerId(), StripeEvents.record(fact, basil));
    }
}
