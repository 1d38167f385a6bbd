package io.tokenmeter.metering.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BillingHistoryTests {

    static final Instant NOV = Instant.parse("2026-11-01T00:00:00Z");
    static final Instant DEC = Instant.parse("2026-12-01T00:00:00Z");
    static final Instant JAN = Instant.parse("2027-01-01T00:00:00Z");

    static SubscriptionChange paid(Tier tier, Instant start, Instant end, Instant eventAt) {
        return new SubscriptionChange(
                "u",
                tier,
                "active",
                Optional.of(start),
                Optional.of(end),
                eventAt,
                eventAt,
                eventAt.toEpochMilli());
    }

    static SubscriptionChange free(Instant eventAt) {
        return new SubscriptionChange(
                "u",
                Tier.FREE,
                "canceled",
                Optional.empty(),
                Optional.empty(),
                eventAt,
                eventAt,
                eventAt.toEpochMilli());
    }

    static Instant day(int day, Instant month) {
        return month.plusSeconds(86_400L * (day - 1));
    }

    @Test
    void aUserNobodyHasHeardOfIsFreeEverywhere() {
        BillingHistory history = BillingHistory.derive(List.of());

        assertThat(history.current()).isEqualTo(Plan.FREE);
        assertThat(history.bucketAt(NOV)).isEmpty();
    }

    @Test
    void theStateWithTheHighestVersionIsCurrentEvenWhenItsStripeEventsAreOlder() {
        Instant later = day(10, NOV);
        Instant earlier = day(5, NOV);
        SubscriptionChange announcedFirst =
                new SubscriptionChange(
                        "u",
                        Tier.MAX,
                        "past_due",
                        Optional.of(NOV),
                        Optional.of(DEC),
                        later,
                        later,
                        1);
        SubscriptionChange refolded =
                new SubscriptionChange(
                        "u",
                        Tier.PRO,
                        "active",
                        Optional.of(NOV),
                        Optional.of(DEC),
                        earlier,
                        earlier.plusSeconds(60),
                        2);

        assertThat(BillingHistory.derive(List.of(refolded, announcedFirst)).current().tier())
                .isEqualTo(Tier.PRO);
        assertThat(BillingHistory.derive(List.of(announcedFirst, refolded)).current().tier())
                .isEqualTo(Tier.PRO);
    }

    @Test
    void aRenewalOpensANewPeriodAndTheOldOneKeepsItsTime() {
        BillingHistory history =
                BillingHistory.derive(
                        List.of(paid(Tier.PRO, NOV, DEC, NOV), paid(Tier.PRO, DEC, JAN, DEC)));

        assertThat(history.bucketAt(day(20, NOV))).contains(NOV);
        assertThat(history.bucketAt(day(2, DEC))).contains(DEC);
        assertThat(history.bucketAt(JAN)).isEmpty();
        assertThat(history.current().periodStart()).contains(DEC);
    }

    @Test
    void timeBeforeTheFirstPeriodAndAfterADowngradeIsFree() {
        BillingHistory history =
                BillingHistory.derive(
                        List.of(
                                free(day(1, NOV).minusSeconds(86_400 * 30)),
                                paid(Tier.ESSENTIEL, NOV, DEC, NOV),
                                free(day(10, NOV))));

        assertThat(history.bucketAt(day(5, NOV))).contains(NOV);
        assertThat(history.bucketAt(day(10, NOV))).isEmpty();
        assertThat(history.bucketAt(day(20, NOV))).isEmpty();
        assertThat(history.current()).isEqualTo(Plan.FREE);
    }

    @Test
    void aResubscriptionAfterADowngradeIsPaidAgain() {
        Instant resubscribed = day(15, NOV);
        BillingHistory history =
                BillingHistory.derive(
                        List.of(
                                paid(Tier.PRO, NOV, DEC, NOV),
                                free(day(10, NOV)),
                                paid(
                                        Tier.MAX,
                                        resubscribed,
                                        resubscribed.plusSeconds(86_400 * 30),
                                        resubscribed)));

        assertThat(history.bucketAt(day(12, NOV))).isEmpty();
        assertThat(history.bucketAt(day(16, NOV))).contains(resubscribed);
        assertThat(history.current().tier()).isEqualTo(Tier.MAX);
    }

    @Test
    void anUpgradeInsideAPeriodChangesThatPeriodsTier() {
        BillingHistory history =
                BillingHistory.derive(
                        List.of(
                                paid(Tier.ESSENTIEL, NOV, DEC, NOV),
                                paid(Tier.PRO, NOV, DEC, day(3, NOV))));

        assertThat(history.segments()).containsExactly(new BillingSegment(NOV, DEC, NOV, Tier.PRO));
    }

    @Test
    void aReanchoredPeriodTakesOverTheTimeItCovers() {
        Instant anchor = day(15, NOV);
        BillingHistory history =
                BillingHistory.derive(
                        List.of(
                                paid(Tier.PRO, NOV, DEC, NOV),
                                paid(Tier.PRO, anchor, anchor.plusSeconds(86_400 * 30), anchor)));

        assertThat(history.bucketAt(day(14, NOV))).contains(NOV);
        assertThat(history.bucketAt(day(20, NOV))).contains(anchor);
    }
}
