package io.tokenmeter.subscription.state.kafka;

import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_CREATED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_DELETED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_UPDATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.platform.kafka.InvalidRecordException;
import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.Lifecycles;
import io.tokenmeter.subscription.state.Lifecycles.Action;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import io.tokenmeter.testsupport.StripeEvent;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The parser on Stripe's real payloads, in both API layouts. */
class StripeEventParserTests {

    private final StripeEventParser parser = new StripeEventParser();

    @Test
    void readsAnOldLayoutSubscriptionUpdateWithItsTopLevelPeriod() {
        StripeFact fact = parse("customer.subscription.updated.event-2020-03-02.json");

        assertThat(fact)
                .isEqualTo(
                        new SubscriptionChanged(
                                "evt_1IlavxJDPojXS6LNGNOrPWFQ",
                                Instant.ofEpochSecond(1619706820),
                                SUBSCRIPTION_UPDATED,
                                "sub_JLEPMp81LApOJl",
                                "cus_IhGfebO16cMIGN",
                                null,
                                "active",
                                "price_1IDQm5JDPojXS6LNM31hxKzp",
                                period(1618980344, 1621572344)));
    }

    @Test
    void readsABasilSubscriptionWithItsPeriodOnTheItem() {
        StripeEvent event =
                StripeEvent.fixture("customer.subscription.updated.event-2020-03-02.json")
                        .apiVersion(StripeEvents.BASIL)
                        .type("customer.subscription.created")
                        .remove("/data/object/current_period_start")
                        .remove("/data/object/current_period_end")
                        .set("/data/object/items/data/0/current_period_start", 1746757387)
                        .set("/data/object/items/data/0/current_period_end", 1749435787)
                        .set("/data/object/metadata/user_id", "u_42");

        SubscriptionChanged fact = (SubscriptionChanged) parse(event);

        assertThat(fact.kind()).isEqualTo(SUBSCRIPTION_CREATED);
        assertThat(fact.period()).isEqualTo(period(1746757387, 1749435787));
        assertThat(fact.userId()).isEqualTo("u_42");
    }

    @Test
    void readsADeletion() {
        SubscriptionChanged fact =
                (SubscriptionChanged) parse("customer.subscription.deleted.event-2020-03-02.json");

        assertThat(fact.kind()).isEqualTo(SUBSCRIPTION_DELETED);
        assertThat(fact.status()).isEqualTo("canceled");
        assertThat(fact.customerId()).isEqualTo("cus_IhGfebO16cMIGN");
        assertThat(fact.period()).isEqualTo(period(1623148918, 1625740918));
    }

    @Test
    void readsAnOldLayoutInvoiceWithItsTopLevelSubscription() {
        StripeFact fact = parse("invoice.paid.event-2020-03-02.json");

        assertThat(fact)
                .isEqualTo(
                        new InvoicePayment(
                                "evt_1KJrGtJDPojXS6LN15fcthM3",
                                Instant.ofEpochSecond(1642649111),
                                true,
                                "in_1KJqKBJDPojXS6LNJbvLUgEy",
                                "sub_JsuPyCPhXWfZar",
                                "cus_JsuO3bmrj0QlAw",
                                null,
                                period(1642645280, 1645323680)));
    }

    @Test
    void readsABasilInvoiceWithItsSubscriptionUnderParent() {
        StripeFact fact =
                parse("invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json");

        assertThat(fact)
                .isEqualTo(
                        new InvoicePayment(
                                "evt_1RMgagCMHTTliF5iVoysIuMJ",
                                Instant.ofEpochSecond(1746757389),
                                true,
                                "in_1RMgafCMHTTliF5ilpBkRLZf",
                                "sub_1RMgafCMHTTliF5imBKfvfyV",
                                "cus_SGqVI5XZS5sDjA",
                                null,
                                period(1746757387, 1749435787)));
    }

    @Test
    void readsTheUserOfAnInvoiceFromEitherPlaceOfTheSubscriptionDetails() {
        StripeEvent basil =
                StripeEvent.fixture(
                                "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json")
                        .type("invoice.payment_failed")
                        .set("/data/object/parent/subscription_details/metadata/user_id", "u_7");
        StripeEvent old =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                        .set("/data/object/subscription_details/metadata/user_id", "u_8");

        assertThat(((InvoicePayment) parse(basil)).paid()).isFalse();
        assertThat(parse(basil).userId()).isEqualTo("u_7");
        assertThat(parse(old).userId()).isEqualTo("u_8");
    }

    @Test
    void doesNotTakeAProrationLineForTheBilledPeriod() {
        StripeEvent event =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                        .set("/data/object/lines/data/0/proration", true);

        assertThat(((InvoicePayment) parse(event)).billedPeriod()).isNull();
    }

    @Test
    void readsASubscriptionCheckoutWithItsUserFromClientReferenceId() {
        StripeEvent event =
                StripeEvent.fixture("checkout.session.completed.event-2025-03-31.basil.json")
                        .set("/data/object/client_reference_id", "u_1");

        assertThat(parse(event))
                .isEqualTo(
                        new CheckoutCompleted(
                                "evt_1RMcdSCMHTTliF5issIUBut6",
                                Instant.ofEpochSecond(1746742186),
                                "u_1",
                                "cus_SGqVI5XZS5sDjA",
                                "sub_1RMcdRCMHTTliF5iM812gr0j"));
    }

    @Test
    void readsAPaymentModeCheckoutAsACustomerWithoutSubscription() {
        CheckoutCompleted fact =
                (CheckoutCompleted)
                        parse(
                                StripeEvent.fixture(
                                                "checkout.session.completed.event-2020-03-02.json")
                                        .set("/data/object/metadata/user_id", "u_2"));

        assertThat(fact.userId()).isEqualTo("u_2");
        assertThat(fact.customerId()).isEqualTo("cus_IhGfebO16cMIGN");
        assertThat(fact.subscriptionId()).isNull();
    }

    @Test
    void ignoresEventTypesThatDoNotConcernSubscriptions() {
        StripeEvent event =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json").type("invoice.created");

        assertThat(parser.parse(StripeEvents.record(event))).isEmpty();
    }

    @Test
    void rejectsAPayloadThatIsNotJson() {
        StripeWebhookEvent record =
                StripeEvents.record(StripeEvent.fixture("invoice.paid.event-2020-03-02.json"));
        record.setPayload("{not json");

        assertThatThrownBy(() -> parser.parse(record))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("evt_1KJrGtJDPojXS6LN15fcthM3");
    }

    @Test
    void rejectsAnEventWhoseObjectIsNotOfItsType() {
        StripeEvent event =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                        .type("customer.subscription.updated");

        assertThatThrownBy(() -> parser.parse(StripeEvents.record(event)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("expected a Subscription");
    }

    @Property(tries = 100)
    void readsBackEveryFactOfALifecycleInEitherLayout(
            @ForAll("lifecycles") List<Action> actions, @ForAll boolean basil) {
        for (StripeFact fact : Lifecycles.build("u_1", actions).events()) {
            assertThat(parser.parse(StripeEvents.record(fact, basil))).contains(fact);
        }
    }

    @Provide
    Arbitrary<List<Action>> lifecycles() {
        return Lifecycles.actions(8);
    }

    private StripeFact parse(String fixture) {
        return parse(StripeEvent.fixture(fixture));
    }

    private StripeFact parse(StripeEvent event) {
        return parser.parse(StripeEvents.record(event)).orElseThrow();
    }

    private static BillingPeriod period(long start, long end) {
        return new BillingPeriod(Instant.ofEpochSecond(start), Instant.ofEpochSecond(end));
    }
}
