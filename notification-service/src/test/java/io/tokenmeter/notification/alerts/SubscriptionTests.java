package io.tokenmeter.notification.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubscriptionTests {

    static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    static Subscription state(long version, Instant stripeCreated, Instant updated) {
        return new Subscription(
                "u", "PRO", "active", false, null, null, updated, stripeCreated, version, null);
    }

    @Test
    void ordersVersionedStatesByVersionAlone() {
        assertThat(state(2, T, T).isNewerThan(state(1, T.plusSeconds(60), T.plusSeconds(60))))
                .isTrue();
        assertThat(state(1, T.plusSeconds(60), T).isNewerThan(state(2, T, T))).isFalse();
        assertThat(state(2, T, T).isNewerThan(state(2, T, T))).isFalse();
    }

    @Test
    void ordersUnversionedStatesByStripeEventThenPublication() {
        assertThat(state(0, T.plusSeconds(1), T).isNewerThan(state(0, T, T.plusSeconds(60))))
                .isTrue();
        assertThat(state(0, T, T.plusSeconds(1)).isNewerThan(state(0, T, T))).isTrue();
        assertThat(state(0, T, T).isNewerThan(state(0, T, T))).isFalse();
    }

    @Test
    void aVersionedStateIsNewerThanAnUnversionedOne() {
        assertThat(state(1, T, T).isNewerThan(state(0, T.plusSeconds(60), T.plusSeconds(60))))
                .isTrue();
        assertThat(state(0, T.plusSeconds(60), T.plusSeconds(60)).isNewerThan(state(1, T, T)))
                .isFalse();
    }

    @Test
    void tellsACancellationAloneAndAFailedPaymentWithATierChange() {
        Subscription pro = new Subscription("u", "PRO", "active", false, T, T, T, T, 1, "cus_u");
        Subscription canceled =
                new Subscription("u", "FREE", "canceled", false, null, null, T, T, 2, "cus_u");
        Subscription maxFailing =
                new Subscription("u", "MAX", "past_due", true, T, T, T, T, 2, "cus_u");

        assertThat(SubscriptionChanges.between(pro, canceled)).containsExactly(Kind.CANCELED);
        assertThat(SubscriptionChanges.between(canceled, canceled)).isEmpty();
        assertThat(SubscriptionChanges.between(pro, maxFailing))
                .containsExactly(Kind.PAYMENT_FAILED, Kind.TIER_CHANGED);
        assertThat(SubscriptionChanges.between(maxFailing, pro))
                .containsExactly(Kind.PAYMENT_RECOVERED, Kind.TIER_CHANGED);
        assertThat(SubscriptionChanges.between(pro, pro)).isEqualTo(List.of());
    }
}
