package io.tokenmeter.subscription.state;

import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_CREATED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_DELETED;
import static io.tokenmeter.subscription.state.FactKind.SUBSCRIPTION_UPDATED;
import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link SubscriptionLifecycle}, one example each. */
class SubscriptionLifecycleTests {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final BillingPeriod NOV =
            new BillingPeriod(T0, Instant.parse("2026-12-01T00:00:00Z"));
    private static final BillingPeriod DEC =
            new BillingPeriod(NOV.end(), Instant.parse("2027-01-01T00:00:00Z"));

    private final InMemoryBook book = new InMemoryBook();

    @Test
    void aUserNobodyHeardOfIsFree() {
        UserSubscription state = book.state("u_1");

        assertThat(state.tier()).isEqualTo(Tier.FREE);
        assertThat(state.status()).isEqualTo("free");
        assertThat(state.period()).isNull();
    }

    @Test
    void theTierComesFromTheSubscriptionItemsPrice() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_max", NOV)));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.MAX);
        assertThat(book.state("u_1").period()).isEqualTo(NOV);
        assertThat(book.state("u_1").status()).isEqualTo("active");
    }

    @Test
    void anUnknownPriceKeepsTheTierAndIsReported() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        sub("e3", 2, SUBSCRIPTION_UPDATED, "sub_1", "active", "price_other", NOV)));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.PRO);
        assertThat(book.unknownPrices).containsExactly("price_other");
    }

    @Test
    void aSubscriptionEventBeforeItsCheckoutIsParkedThenApplied() {
        book.deliver(
                List.of(sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV)));
        assertThat(book.states).isEmpty();

        book.deliver(List.of(checkout("e1", 0, "sub_1")));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.PRO);
    }

    @Test
    void aFailedInvoiceOfTheCurrentPeriodFlagsThePaymentUntilALaterOneSucceeds() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        new InvoicePayment(
                                "e3", at(100), false, "in_1", "sub_1", "cus_1", null, NOV)));
        assertThat(book.state("u_1").paymentFailed()).isTrue();
        assertThat(book.state("u_1").tier()).isEqualTo(Tier.PRO);

        book.deliver(
                List.of(
                        new InvoicePayment(
                                "e4", at(200), true, "in_1", "sub_1", "cus_1", null, NOV)));
        assertThat(book.state("u_1").paymentFailed()).isFalse();
    }

    @Test
    void aFailedInvoiceOfAnEarlierPeriodDoesNotFlagTheCurrentOne() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", DEC),
                        new InvoicePayment(
                                "e3", at(100), false, "in_0", "sub_1", "cus_1", null, NOV)));

        assertThat(book.state("u_1").paymentFailed()).isFalse();
    }

    @Test
    void aPaidInvoiceForTheNextPeriodStartsIt() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        new InvoicePayment(
                                "e3", DEC.start(), true, "in_2", "sub_1", "cus_1", null, DEC)));

        assertThat(book.state("u_1").period()).isEqualTo(DEC);
    }

    @Test
    void theSameInvoicePaidUnderBothNamesCountsOnce() {
        StripeFact paid =
                new InvoicePayment("e3", at(10), true, "in_1", "sub_1", "cus_1", null, NOV);
        StripeFact twin =
                new InvoicePayment("e3b", at(10), true, "in_1", "sub_1", "cus_1", null, NOV);
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        paid,
                        twin));

        int published = book.published.size();
        book.deliver(List.of(twin));

        assertThat(book.book.of("u_1").lastFact().eventId()).isEqualTo("e3");
        assertThat(book.published).hasSize(published);
        assertThat(SubscriptionLifecycle.replay("u_1", List.of(paid, twin), InMemoryBook.PRICES))
                .isEqualTo(
                        SubscriptionLifecycle.replay(
                                "u_1", List.of(twin, paid), InMemoryBook.PRICES));
    }

    @Test
    void deletionMakesTheUserFreeAndCanceledWithoutPeriod() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        sub("e3", 2, SUBSCRIPTION_DELETED, "sub_1", "canceled", "price_pro", NOV)));

        UserSubscription state = book.state("u_1");
        assertThat(state.tier()).isEqualTo(Tier.FREE);
        assertThat(state.status()).isEqualTo("canceled");
        assertThat(state.period()).isNull();
        assertThat(state.customerId()).isEqualTo("cus_1");
    }

    @Test
    void theDeletionOfAnOldSubscriptionDoesNotEndANewOne() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV),
                        sub("e3", 2, SUBSCRIPTION_CREATED, "sub_2", "active", "price_max", NOV),
                        sub("e4", 3, SUBSCRIPTION_DELETED, "sub_1", "canceled", "price_pro", NOV)));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.MAX);
        assertThat(book.state("u_1").subscriptionId()).isEqualTo("sub_2");
    }

    @Test
    void anIncompleteSubscriptionGrantsNothingYet() {
        book.deliver(
                List.of(
                        checkout("e1", 0, "sub_1"),
                        sub(
                                "e2",
                                1,
                                SUBSCRIPTION_CREATED,
                                "sub_1",
                                "incomplete",
                                "price_pro",
                                NOV)));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.FREE);
        assertThat(book.state("u_1").status()).isEqualTo("incomplete");
    }

    @Test
    void eventsOfTheSameSecondApplyInTieBreakOrder() {
        // Deleted sorts after updated within one second, whatever the delivery order.
        StripeFact updated =
                sub("e_b", 5, SUBSCRIPTION_UPDATED, "sub_1", "active", "price_max", NOV);
        StripeFact deleted =
                sub("e_a", 5, SUBSCRIPTION_DELETED, "sub_1", "canceled", "price_max", NOV);
        book.deliver(List.of(checkout("e1", 0, "sub_1"), deleted, updated));

        assertThat(book.state("u_1").tier()).isEqualTo(Tier.FREE);
    }

    @Test
    void aRedeliveredEventChangesNothingAndPublishesNothing() {
        StripeFact created =
                sub("e2", 1, SUBSCRIPTION_CREATED, "sub_1", "active", "price_pro", NOV);
        book.deliver(List.of(checkout("e1", 0, "sub_1"), created));
        int published = book.published.size();

        book.deliver(List.of(created, checkout("e1", 0, "sub_1")));

        assertThat(book.published).hasSize(published);
    }

    private static CheckoutCompleted checkout(String id, long second, String sub) {
        return new CheckoutCompleted(id, at(second), "u_1", "cus_1", sub);
    }

    private static SubscriptionChanged sub(
            String id,
            long second,
            FactKind change,
            String sub,
            String status,
            String price,
            BillingPeriod period) {
        return new SubscriptionChanged(
                id, at(second), change, sub, "cus_1", null, status, price, period);
    }

    private static Instant at(long second) {
        return T0.plusSeconds(second);
    }
}
