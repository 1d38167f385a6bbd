package io.tokenmeter.notification.alerts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.notification.alerts.Channel;
import io.tokenmeter.notification.alerts.Kind;
import io.tokenmeter.notification.alerts.Notification;
import io.tokenmeter.notification.alerts.Subscription;
import io.tokenmeter.notification.alerts.UsageAlert;
import io.tokenmeter.testsupport.IntegrationTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The outbox's batched writes and reads, as a burst of crossings uses them, on PostgreSQL. */
@IntegrationTest(properties = "spring.kafka.consumer.group-id=alert-store-tests-${random.uuid}")
class JdbcAlertStoreIntegrationTests {

    static final Instant PERIOD = Instant.parse("2026-12-01T00:00:00Z");

    @Autowired JdbcAlertStore store;
    @Autowired JdbcClient jdbc;

    @Test
    void queuesABatchInItsOrderOnEveryChannelAndOnlyWhatWasNotQueuedBefore() {
        String user = "u_" + UUID.randomUUID().toString().substring(0, 12);
        String other = "u_" + UUID.randomUUID().toString().substring(0, 12);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Notification seventy = notification(user, 70, "a");
        Notification ninety = notification(user, 90, "b");
        Notification theirs = notification(other, 70, "c");
        store.queueAll(List.of(seventy), now);

        Map<String, List<Channel>> queued =
                store.queueAll(List.of(seventy, ninety, theirs, ninety), now);

        assertThat(queued)
                .containsOnlyKeys(ninety.id(), theirs.id())
                .containsEntry(ninety.id(), List.of(Channel.EMAIL, Channel.WEBHOOK))
                .containsEntry(theirs.id(), List.of(Channel.EMAIL, Channel.WEBHOOK));
        assertThat(
                        jdbc.sql(
                                        "SELECT notification_id || ' ' || channel || ' ' || kind"
                                                + " FROM notification.deliveries"
                                                + " WHERE user_id IN (?, ?) ORDER BY seq")
                                .params(user, other)
                                .query(String.class)
                                .list())
                .containsExactly(
                        seventy.id() + " EMAIL THRESHOLD_70",
                        seventy.id() + " WEBHOOK THRESHOLD_70",
                        ninety.id() + " EMAIL THRESHOLD_90",
                        ninety.id() + " WEBHOOK THRESHOLD_90",
                        theirs.id() + " EMAIL THRESHOLD_70",
                        theirs.id() + " WEBHOOK THRESHOLD_70");
        assertThat(
                        jdbc.sql(
                                        "SELECT occurred_at FROM notification.deliveries"
                                                + " WHERE notification_id = ? AND channel = 'EMAIL'")
                                .param(ninety.id())
                                .query(OffsetDateTime.class)
                                .single()
                                .toInstant())
                .isEqualTo(ninety.cause().occurredAt());
        assertThat(store.queueAll(List.of(), now)).isEmpty();
    }

    @Test
    void readsTheKnownSubscriptionsOfABatchOfUsers() {
        String known = "u_" + UUID.randomUUID().toString().substring(0, 12);
        String unknown = "u_" + UUID.randomUUID().toString().substring(0, 12);
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        Subscription pro =
                new Subscription(
                        known,
                        "PRO",
                        "active",
                        false,
                        PERIOD,
                        Instant.parse("2027-01-01T00:00:00Z"),
                        at,
                        at,
                        3,
                        "cus_1");
        store.saveSubscription(pro);

        assertThat(store.subscriptions(List.of(known, unknown)))
                .containsOnly(Map.entry(known, pro));
        assertThat(store.subscriptions(List.of())).isEmpty();
    }

    private static Notification notification(String user, int percent, String id) {
        return new Notification(
                "msg_" + id + UUID.randomUUID(),
                Kind.valueOf("THRESHOLD_" + percent),
                new UsageAlert(
                        user,
                        percent,
                        6_000_000L * percent / 100,
                        6_000_000,
                        PERIOD,
                        Instant.parse("2026-12-02T10:15:30.123456Z").plusSeconds(percent),
                        "PRO",
                        null));
    }
}
