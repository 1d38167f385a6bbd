package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A Stripe event that arrives while the database is down waits for it (one record at a time: this
 * service's listener is a record listener), and is applied, not dead-lettered, once it is back.
 */
@DirtiesContext
@IntegrationTest(
        properties = {
            "spring.kafka.consumer.group-id=subscription-outage-test",
            // A refused connection fails fast instead of after Hikari's default 30 s.
            "spring.datasource.hikari.connection-timeout=500"
        })
class DatabaseOutageIntegrationTests {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @Autowired SubscriptionBook book;
    @Autowired JdbcTemplate jdbc;
    @Autowired MeterRegistry meters;

    @Test
    void appliesAStripeEventThatArrivedWhileTheDatabaseWasDown() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        send(new CheckoutCompleted("evt_a_" + run, T0, "u_a_" + run, "cus_a_" + run, null));
        await().untilAsserted(
                        () ->
                                assertThat(book.of("u_a_" + run).customerId())
                                        .isEqualTo("cus_a_" + run));
        String database = jdbc.queryForObject("SELECT current_database()", String.class);

        double retriesBefore = retries();
        TestInfrastructure.whileDatabaseIsDown(
                database,
                () -> {
                    send(
                            new CheckoutCompleted(
                                    "evt_b_" + run, T0, "u_b_" + run, "cus_b_" + run, null));
                    // Longer than three retries 200 ms apart, each waiting 500 ms for a connection.
                    Thread.sleep(4_000);
                    assertThat(retries())
                            .as("deliveries retried while the database was down")
                            .isGreaterThan(retriesBefore);
                });

        // The pool needs a moment to connect again: until then, reading fails too.
        await().ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(book.of("u_b_" + run).customerId())
                                        .isEqualTo("cus_b_" + run));
        assertThat(TestKafka.readAllRaw(Topics.STRIPE_WEBHOOK_EVENTS.deadLetterTopic()))
                .noneSatisfy(record -> assertThat(record.key()).isEqualTo("cus_b_" + run));
    }

    private double retries() {
        return meters.counter("tokenmeter.kafka.database.unavailable.retries").count();
    }

    private static void send(CheckoutCompleted fact) {
        TestKafka.send(
                Topics.STRIPE_WEBHOOK_EVENTS, fact.customerId(), StripeEvents.record(fact, true));
    }
}
