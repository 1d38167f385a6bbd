package io.tokenmeter.notification;

import static io.tokenmeter.notification.Events.PERIOD_START;
import static io.tokenmeter.notification.Events.crossing;
import static io.tokenmeter.notification.Events.newUser;
import static io.tokenmeter.notification.Events.publish;
import static io.tokenmeter.notification.Events.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each row of the table end to end: records on the real broker, the outbox in real
 * PostgreSQL, emails accepted by a real SMTP server, webhooks received by a real HTTP endpoint and
 * verified with the Standard Webhooks algorithm.
 */
@IntegrationTest(
        properties = {
            "METERING_API_TOKEN=" + NotificationDeliveryIntegrationTests.TOKEN,
            "NOTIFY_WEBHOOK_SECRET="
                    + NotificationDeliveryIntegrationTests.SECRET
                    + ","
                    + NotificationDeliveryIntegrationTests.NEXT_SECRET,
            "FRONTEND_URL=https://app.example.test",
            "PUBLIC_BASE_URL=https://notify.example.test",
            "MAIL_FROM=tokenmeter <notifications@example.test>",
            "tokenmeter.notification.delivery.first-retry=300ms",
            "tokenmeter.notification.delivery.idle-poll=50ms",
            "tokenmeter.notification.delivery.lease=5s",
            "tokenmeter.notification.delivery.address-grace=3s",
            "spring.kafka.consumer.group-id=notification-tests-${random.uuid}"
        })
class NotificationDeliveryIntegrationTests {

    static final String TOKEN = "test-service-token";
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEXT_SECRET = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";

    static final Mailbox mailbox = new Mailbox();
    static final WebhookReceiver receiver = new WebhookReceiver();

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", mailbox::port);
        registry.add("NOTIFY_WEBHOOK_URL", receiver::url);
    }

    @AfterAll
    static void stopServers() {
        receiver.close();
        mailbox.stop();
    }

    @LocalServerPort int port;
    @Autowired JsonMapper json;
    @Autowired JdbcClient jdbc;
    @Autowired MeterRegistry registry;

    @Test
    void emailsAndSignsTheWebhookOfA70PercentCrossing() {
        String user = newUser();
        String address = contact(user);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));

        List<Mails> mails = awaitMails(address, 1);
        Mails mail = mails.get(0);
        assertThat(mail.subject()).isEqualTo("Vous avez utilisé 70 % de vos tokens");
        assertThat(mail.from()).isEqualTo("tokenmeter <notifications@example.test>");
        assertThat(mail.text())
                .contains(
                        "Vous avez utilisé 4 200 000 de vos 6 000 000 tokens (PRO), soit 70 % de"
                                + " votre quota pour cette période.")
                .contains("Suivez votre consommation : https://app.example.test");
        String unsubscribe = mail.header("List-Unsubscribe");
        assertThat(unsubscribe).matches("<https://notify\\.example\\.test/unsubscribe/[^>]+>");
        assertThat(mail.header("List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");
        String link = unsubscribe.substring(1, unsubscribe.length() - 1);
        assertThat(mail.text()).contains(link);
        assertThat(mail.html())
                .contains("<strong>4 200 000</strong>")
                .contains("href=\"" + link + "\"")
                .contains("href=\"https://app.example.test\"");

        WebhookReceiver.Received webhook = awaitWebhooks(user, 1).get(0);
        assertThat(webhook.header("webhook-id")).matches("msg_[0-9a-f]{32}");
        assertThat(webhook.header("content-type")).isEqualTo("application/json");
        assertThat(verified(webhook, SECRET)).isTrue();
        assertThat(verified(webhook, NEXT_SECRET)).isTrue();
        assertThat(verified(webhook, "whsec_" + "b3RoZXItc2VjcmV0LW5vdC1jb25maWd1cmVk")).isFalse();
        JsonNode body = json.readTree(webhook.body());
        assertThat(body.get("type").asString()).isEqualTo("usage.threshold_crossed");
        JsonNode data = body.get("data");
        assertThat(data.get("notification_id").asString()).isEqualTo(webhook.header("webhook-id"));
        assertThat(data.get("user_id").asString()).isEqualTo(user);
        assertThat(data.get("threshold_percent").asInt()).isEqualTo(70);
        assertThat(data.get("tokens_used").asLong()).isEqualTo(4_200_000);
        assertThat(data.get("limit").asLong()).isEqualTo(6_000_000);
        assertThat(data.get("period_start").asString()).isEqualTo("2026-12-01T00:00:00Z");
    }

    @Test
    void tellsTheUpgradeLinkAt90PercentAndTheRenewalAt100() {
        String user = newUser();
        String address = contact(user);
        publish(state(user, "PRO", "active", false, Instant.now()));
        awaitMails(address, 1);
        publish(crossing(user, 90, 6_000_000, PERIOD_START));
        publish(crossing(user, 100, 6_000_000, PERIOD_START));

        List<Mails> mails = awaitMails(address, 3);
        assertThat(mails.get(1).subject()).isEqualTo("Limite presque atteinte - pensez à upgrader");
        assertThat(mails.get(1).text())
                .contains("5 400 000 de vos 6 000 000 tokens (PRO), soit 90 %")
                .contains("passez à une formule supérieure : https://app.example.test");
        assertThat(mails.get(2).subject()).isEqualTo("Quota de tokens atteint");
        assertThat(mails.get(2).text())
                .contains("Vous avez utilisé les 6 000 000 tokens de votre formule PRO")
                .contains("Votre quota sera renouvelé le 1 janvier 2027.");
        List<WebhookReceiver.Received> webhooks = awaitWebhooks(user, 3);
        JsonNode hundred = json.readTree(webhooks.get(2).body()).get("data");
        assertThat(hundred.get("threshold_percent").asInt()).isEqualTo(100);
        assertThat(hundred.get("renews_at").asString()).isEqualTo("2027-01-01T00:00:00Z");
    }

    @Test
    void tellsAFreeUserAt100PercentThatTheAllowanceDoesNotRenew() {
        String user = newUser();
        String address = contact(user);
        publish(crossing(user, 100, 100_000, null));

        Mails mail = awaitMails(address, 1).get(0);
        assertThat(mail.subject()).isEqualTo("Quota de tokens atteint");
        assertThat(mail.text())
                .contains("Vous avez utilisé les 100 000 tokens offerts par la formule FREE.")
                .contains("Ce quota ne se renouvelle pas.")
                .contains("choisissez une formule payante : https://app.example.test");
    }

    @Test
    void tellsEachSubscriptionChangeInOrder() {
        String user = newUser();
        String address = contact(user);
        Instant t = Instant.now();
        publish(state(user, "PRO", "active", false, t));
        publish(state(user, "PRO", "past_due", true, t.plusSeconds(1)));
        publish(state(user, "PRO", "active", false, t.plusSeconds(2)));
        publish(state(user, "MAX", "active", false, t.plusSeconds(3)));
        publish(state(user, "FREE", "canceled", false, t.plusSeconds(4)));

        List<Mails> mails = awaitMails(address, 5);
        assertThat(mails)
                .extracting(Mails::subject)
                .containsExactly(
                        "Votre abonnement est passé à PRO",
                        "Échec du paiement - mettez à jour votre moyen de paiement",
                        "Paiement reçu - votre abonnement PRO est de nouveau actif",
                        "Votre abonnement est passé à MAX",
                        "Votre abonnement MAX est résilié");
        assertThat(mails.get(1).text())
                .contains("Le dernier paiement de votre abonnement PRO a échoué.")
                .contains("Mettez à jour votre moyen de paiement : https://app.example.test");
        assertThat(mails.get(3).text()).contains("Votre abonnement est passé de PRO à MAX.");
        List<WebhookReceiver.Received> webhooks = awaitWebhooks(user, 5);
        assertThat(webhooks)
                .extracting(w -> json.readTree(w.body()).get("type").asString())
                .containsExactly(
                        "subscription.updated",
                        "subscription.payment_failed",
                        "subscription.updated",
                        "subscription.updated",
                        "subscription.updated");
        assertThat(webhooks)
                .extracting(w -> json.readTree(w.body()).get("data").get("change").asString())
                .containsExactly(
                        "tier_changed",
                        "payment_failed",
                        "payment_recovered",
                        "tier_changed",
                        "canceled");
        assertThat(webhooks).allMatch(w -> verified(w, SECRET));
    }

    @Test
    void sendsNothingTwiceForRedeliveredRecordsNorForOlderStates() {
        String user = newUser();
        String address = contact(user);
        Instant t = Instant.now();
        var seventy = crossing(user, 70, 1_200_000, PERIOD_START);
        var pro = state(user, "PRO", "active", false, t);
        publish(seventy);
        publish(pro);
        publish(seventy);
        publish(pro);
        // Late: a state older than the one already applied must not roll it back nor be told.
        publish(state(user, "ESSENTIEL", "active", false, t.minusSeconds(60)));
        publish(crossing(user, 90, 1_200_000, PERIOD_START));

        awaitWebhooks(user, 3);
        List<Mails> mails = awaitMails(address, 3);
        pause(Duration.ofMillis(500));
        assertThat(mailbox.to(address)).hasSize(3);
        assertThat(receiver.about(user)).hasSize(3);
        assertThat(mails)
                .extracting(Mails::subject)
                .containsExactlyInAnyOrder(
                        "Vous avez utilisé 70 % de vos tokens",
                        "Votre abonnement est passé à PRO",
                        "Limite presque atteinte - pensez à upgrader");
    }

    @Test
    void retriesAWebhookAnswered500WithBackOffThenDeliversIt() {
        String user = newUser();
        receiver.answerFor(user, earlierCalls -> earlierCalls < 2 ? 500 : 204);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));

        List<WebhookReceiver.Received> calls = awaitWebhooks(user, 3);
        assertThat(calls)
                .extracting(WebhookReceiver.Received::answeredWith)
                .containsExactly(500, 500, 204);
        assertThat(calls)
                .extracting(w -> w.header("webhook-id"))
                .containsOnly(calls.get(0).header("webhook-id"));
        assertThat(calls)
                .extracting(WebhookReceiver.Received::body)
                .containsOnly(calls.get(0).body());
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(delivery(user, "WEBHOOK"))
                                        .containsEntry("status", "SENT")
                                        .containsEntry("attempts", 3));
        pause(Duration.ofMillis(800));
        assertThat(receiver.about(user)).hasSize(3);
    }

    @Test
    void stopsAWebhookAnswered410AndCountsIt() {
        String user = newUser();
        double goneBefore = failed("webhook", "gone");
        receiver.answerFor(user, earlierCalls -> 410);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));

        awaitWebhooks(user, 1);
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(delivery(user, "WEBHOOK"))
                                        .containsEntry("status", "FAILED")
                                        .containsEntry("last_error", "gone"));
        pause(Duration.ofMillis(1000));
        assertThat(receiver.about(user)).hasSize(1);
        assertThat(failed("webhook", "gone")).isEqualTo(goneBefore + 1);
    }

    @Test
    void deliversEveryEmailInOrderOnceTheSmtpServerIsBack() {
        String user = newUser();
        String address = contact(user);
        mailbox.stop();
        try {
            publish(crossing(user, 70, 1_200_000, PERIOD_START));
            publish(crossing(user, 90, 1_200_000, PERIOD_START));
            publish(crossing(user, 100, 1_200_000, PERIOD_START));
            // Webhooks are not held up by the mail server.
            awaitWebhooks(user, 3);
            await().ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    (Integer)
                                                            delivery(user, "EMAIL", 70)
                                                                    .get("attempts"))
                                            .isGreaterThanOrEqualTo(2));
        } finally {
            mailbox.start();
        }

        List<Mails> mails = awaitMails(address, 3);
        assertThat(mails)
                .extracting(Mails::subject)
                .containsExactly(
                        "Vous avez utilisé 70 % de vos tokens",
                        "Limite presque atteinte - pensez à upgrader", "Quota de tokens atteint");
    }

    @Test
    void anUnsubscribedUserGetsNoMoreEmailsButTheWebhooksGoOn() {
        String user = newUser();
        String address = contact(user);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));
        String header = awaitMails(address, 1).get(0).header("List-Unsubscribe");
        String path = header.substring(header.indexOf("/unsubscribe/"), header.length() - 1);
        TestHttp http = new TestHttp(port);

        HttpResponse<String> page = http.get(path);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\">");
        assertThat(unsubscribed(user)).isFalse();
        assertThat(http.send(oneClick(path.substring(0, path.length() - 2) + "AA")).statusCode())
                .isEqualTo(404);
        HttpResponse<String> done = http.send(oneClick(path));
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(unsubscribed(user)).isTrue();

        publish(crossing(user, 90, 6_000_000, PERIOD_START));
        awaitWebhooks(user, 2);
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(delivery(user, "EMAIL", 90))
                                        .containsEntry("status", "SKIPPED")
                                        .containsEntry("last_error", "unsubscribed"));
        assertThat(mailbox.to(address)).hasSize(1);
    }

    @Test
    void emailsTheAddressTheUserGaveAtCheckout() {
        String user = newUser();
        String address = user + "@checkout.example.test";
        publish(
                Events.stripe(
                        StripeEvent.fixture(
                                        "checkout.session.completed.event-2025-03-31.basil.json")
                                .id("evt_" + user)
                                .set("/data/object/client_reference_id", user)
                                .set("/data/object/customer", "cus_" + user)
                                .set("/data/object/customer_details/email", address),
                        "cus_" + user));
        await().until(() -> stripeAddresses("stripe_user_emails", "user_id", user) == 1);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));

        assertThat(awaitMails(address, 1).get(0).subject())
                .isEqualTo("Vous avez utilisé 70 % de vos tokens");
    }

    @Test
    void emailsTheCustomersInvoiceAddressUntilTheAppSetsOne() {
        String user = newUser();
        String stripeAddress = user + "@invoice.example.test";
        // The state first: its email waits a little for the address, which comes next.
        publish(state(user, "PRO", "active", false, Instant.now()));
        await().ignoreExceptions()
                .until(() -> (Integer) delivery(user, "EMAIL").get("attempts") >= 1);
        publish(
                Events.stripe(
                        StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                                .id("evt_" + user)
                                .set("/data/object/customer", "cus_" + user)
                                .set("/data/object/customer_email", stripeAddress),
                        "cus_" + user));
        await().until(
                        () ->
                                stripeAddresses(
                                                "stripe_customer_emails",
                                                "customer_id",
                                                "cus_" + user)
                                        == 1);
        publish(crossing(user, 70, 6_000_000, PERIOD_START));
        assertThat(awaitMails(stripeAddress, 2))
                .extracting(Mails::subject)
                .containsExactly(
                        "Votre abonnement est passé à PRO", "Vous avez utilisé 70 % de vos tokens");

        String appAddress = contact(user);
        publish(crossing(user, 90, 6_000_000, PERIOD_START));

        assertThat(awaitMails(appAddress, 1).get(0).subject())
                .isEqualTo("Limite presque atteinte - pensez à upgrader");
        assertThat(mailbox.to(stripeAddress)).hasSize(2);
    }

    @Test
    void aUserWithoutAddressGetsWebhooksOnlyCounted() {
        String user = newUser();
        double before = skipped("no_address");
        publish(crossing(user, 70, 6_000_000, PERIOD_START));

        awaitWebhooks(user, 1);
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(delivery(user, "EMAIL"))
                                        .containsEntry("status", "SKIPPED")
                                        .containsEntry("last_error", "no_address"));
        // Other tests' users without address are counted too.
        assertThat(skipped("no_address")).isGreaterThanOrEqualTo(before + 1);
    }

    @Test
    void anInvalidStoredAddressIsSkippedAndAHostileLocaleFallsBackToFrench() {
        String broken = newUser();
        String hostile = newUser();
        String address = hostile + "@example.test";
        jdbc.sql(
                        "INSERT INTO contacts (user_id, email, locale, updated_at) VALUES"
                                + " (?, 'not an address\r\nBcc: x@evil.test', NULL, now()),"
                                + " (?, ?, '../../etc/passwd', now())")
                .params(broken, hostile, address)
                .update();
        publish(crossing(broken, 70, 6_000_000, PERIOD_START));
        publish(crossing(hostile, 70, 6_000_000, PERIOD_START));

        assertThat(awaitMails(address, 1).get(0).subject())
                .isEqualTo("Vous avez utilisé 70 % de vos tokens");
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(delivery(broken, "EMAIL"))
                                        .containsEntry("status", "SKIPPED")
                                        .containsEntry("last_error", "invalid_address"));
        assertThat(registry.counter("tokenmeter.notifications.invalid.locales").count())
                .isGreaterThanOrEqualTo(1);
        awaitWebhooks(broken, 1);
    }

    @Test
    void aNotificationLeftClaimedByADeadWorkerIsSentOnceItsLeaseEnds() {
        String user = newUser();
        String address = contact(user);
        // What a worker that died between claiming and recording leaves: a pending row whose
        // next attempt is its lease's end.
        jdbc.sql(
                        """
                        INSERT INTO deliveries (notification_id, channel, user_id, kind, cause,
                            occurred_at, queued_at, next_attempt_at)
                        VALUES ('msg_leftbyadeadworker' || ?, 'EMAIL', ?, 'THRESHOLD_70',
                            jsonb_build_object('user_id', ?::text, 'threshold_percent', 70,
                                'tokens_used', 840000, 'limit', 1200000,
                                'period_start', '2026-12-01T00:00:00Z',
                                'crossed_at', ?::text, 'tier', 'ESSENTIEL',
                                'renews_at', NULL),
                            now(), now(), now() + interval '1 second')
                        """)
                .params(user, user, user, Instant.now().toString())
                .update();

        pause(Duration.ofMillis(600));
        assertThat(mailbox.to(address)).isEmpty();
        awaitMails(address, 1);
        pause(Duration.ofMillis(500));
        assertThat(mailbox.to(address)).hasSize(1);
        assertThat(delivery(user, "EMAIL")).containsEntry("status", "SENT");
    }

    // --- helpers

    private String contact(String user) {
        String address = user + "@example.test";
        HttpResponse<String> response =
                new TestHttp(port)
                        .send(
                                new TestHttp(port)
                                        .request("/api/notifications/contacts/" + user)
                                        .header("Authorization", "Bearer " + TOKEN)
                                        .header("Content-Type", "application/json")
                                        .PUT(
                                                HttpRequest.BodyPublishers.ofString(
                                                        "{\"email\":\""
                                                                + address
                                                                + "\",\"locale\":\"fr-FR\"}"))
                                        .build());
        assertThat(response.statusCode()).isEqualTo(204);
        return address;
    }

    private HttpRequest oneClick(String path) {
        return new TestHttp(port)
                .request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                .build();
    }

    private List<Mails> awaitMails(String address, int count) {
        await().ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(mailbox.to(address)).hasSizeGreaterThanOrEqualTo(count));
        return mailbox.to(address).stream().map(Mails::new).toList();
    }

    private List<WebhookReceiver.Received> awaitWebhooks(String user, int count) {
        await().ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(receiver.about(user)).hasSizeGreaterThanOrEqualTo(count));
        return receiver.about(user);
    }

    private static boolean verified(WebhookReceiver.Received webhook, String secret) {
        return StandardWebhooks.verify(
                secret,
                webhook.header("webhook-id"),
                webhook.header("webhook-timestamp"),
                webhook.body(),
                webhook.header("webhook-signature"));
    }

    private Map<String, Object> delivery(String user, String channel) {
        return jdbc.sql(
                        "SELECT status, attempts, last_error FROM deliveries"
                                + " WHERE user_id = ? AND channel = ? ORDER BY seq LIMIT 1")
                .params(user, channel)
                .query()
                .singleRow();
    }

    private Map<String, Object> delivery(String user, String channel, int percent) {
        return jdbc.sql(
                        "SELECT status, attempts, last_error FROM deliveries WHERE user_id = ?"
                                + " AND channel = ? AND kind = ?")
                .params(user, channel, "THRESHOLD_" + percent)
                .query()
                .singleRow();
    }

    private long stripeAddresses(String table, String column, String key) {
        return jdbc.sql("SELECT count(*) FROM " + table + " WHERE " + column + " = ?")
                .param(key)
                .query(Long.class)
                .single();
    }

    private boolean unsubscribed(String user) {
        return jdbc.sql("SELECT count(*) FROM unsubscribed WHERE user_id = ?")
                        .param(user)
                        .query(Long.class)
                        .single()
                == 1;
    }

    private double failed(String channel, String reason) {
        var counter =
                registry.find("tokenmeter.notifications.failed")
                        .tags("channel", channel, "reason", reason)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    private double skipped(String reason) {
        var counter =
                registry.find("tokenmeter.notifications.skipped")
                        .tags("channel", "email", "reason", reason)
                        .counter();
        return counter == null ? 0 : counter.count();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
