package io.tokenmeter.subscription.state.jpa;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** The row of a {@link io.tokenmeter.subscription.state.UserSubscription}. */
@Entity
@Table(name = "user_subscription")
class UserSubscriptionEntity {

    @Id
    @Column(name = "user_id")
    String userId;

    String tier;
    String status;

    @Column(name = "stripe_customer_id")
    String stripeCustomerId;

    @Column(name = "stripe_subscription_id")
    String stripeSubscriptionId;

    @Column(name = "period_start")
    Instant periodStart;

    @Column(name = "period_end")
    Instant periodEnd;

    @Column(name = "payment_failed")
    boolean paymentFailed;

    @Column(name = "last_event_created")
    Instant lastEventCreated;

    @Column(name = "last_fact_created")
    Instant lastFactCreated;

    @Column(name = "last_fact_kind")
    String lastFactKind;

    @Column(name = "last_fact_event_id")
    String lastFactEventId;

    @Column(name = "updated_at")
    Instant updatedAt;

    /** Concurrent changes of one user (two partitions, two instances) fail and are retried. */
    @Version Long version;

    protected UserSubscriptionEntity() {}

    UserSubscriptionEntity(String userId) {
        this.userId = userId;
    }
}
