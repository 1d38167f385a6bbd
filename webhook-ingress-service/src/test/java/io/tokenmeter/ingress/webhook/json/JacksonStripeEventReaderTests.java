package io.tokenmeter.ingress.webhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.ingress.webhook.StripeEventFacts;
import io.tokenmeter.ingress.webhook.StripeEventReader.Event;
import io.tokenmeter.ingress.webhook.StripeEventReader.NotAnEvent;
import io.tokenmeter.ingress.webhook.StripeEventReader.Reading;
import io.tokenmeter.testsupport.StripeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JacksonStripeEventReaderTests {

    private final JacksonStripeEventReader reader = new JacksonStripeEventReader();

    @ParameterizedTest
    @CsvSource({
        "checkout.session.completed.event-2025-03-31.basil.json, cus_SGqVI5XZS5sDjA",
        "checkout.session.completed.event-2020-03-02.json, cus_IhGfebO16cMIGN",
        "customer.subscription.updated.event-2020-03-02.json, cus_IhGfebO16cMIGN",
        "customer.subscription.deleted.event-2020-03-02.json, cus_IhGfebO16cMIGN",
        "invoice.paid.event-2020-03-02.json, cus_JsuO3bmrj0QlAw",
        "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json, cus_SGqVI5XZS5sDjA"
    })
    void findsTheCustomerOfEveryHandledEventTypeInRealPayloads(String fixture, String customer) {
        StripeEvent event = StripeEvent.fixture(fixture);

        StripeEventFacts facts = facts(StripeEvent.fixtureText(fixture));

        assertThat(facts.customerId()).isEqualTo(customer);
        assertThat(facts.eventId()).isEqualTo(event.text("/id"));
        assertThat(facts.type()).isEqualTo(event.text("/type"));
        assertThat(facts.apiVersion()).isEqualTo(event.text("/api_version"));
        assertThat(facts.created())
                .isEqualTo(Instant.ofEpochSecond(Long.parseLong(event.text("/created"))));
        assertThat(facts.livemode()).isEqualTo(Boolean.parseBoolean(event.text("/livemode")));
    }

    @Test
    void readsTheCustomerOfACustomerEventFromTheCustomerItself() {
        String json =
                StripeEvent.fixture("customer.subscription.updated.event-2020-03-02.json")
                        .type("customer.updated")
                        .set("/data/object", Map.of("id", "cus_self", "object", "customer"))
                        .json();

        assertThat(facts(json).customerId()).isEqualTo("cus_self");
    }

    @Test
    void readsTheIdOfAnExpandedCustomer() {
        String json =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                        .set(
                                "/data/object/customer",
                                Map.of("id", "cus_expanded", "object", "customer"))
                        .json();

        assertThat(facts(json).customerId()).isEqualTo("cus_expanded");
    }

    @Test
    void hasNoCustomerWhenStripeNamesNone() {
        String json =
                StripeEvent.fixture("checkout.session.completed.event-2020-03-02.json")
                        .set("/data/object/customer", null)
                        .json();

        assertThat(facts(json).customerId()).isNull();
    }

    @Test
    void readsAnEventWhoseFieldsComeInAnyOrderAndWithoutApiVersion() {
        String json =
                "{\"data\":{\"object\":{\"customer\":\"cus_1\",\"object\":\"subscription\"}},"
                        + "\"type\":\"customer.subscription.created\",\"created\":1700000000,"
                        + "\"livemode\":true,\"object\":\"event\",\"api_version\":null,"
                        + "\"id\":\"evt_1\"}";

        assertThat(facts(json))
                .isEqualTo(
                        new StripeEventFacts(
                                "evt_1",
                                "customer.subscription.created",
                                Instant.ofEpochSecond(1700000000),
                                null,
                                true,
                                "cus_1"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "not json | not valid JSON",
                "\"a string\" | not a JSON object",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"t\",\"created\":1} {} | after",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"t\",\"created\":1 | not valid JSON",
                "{\"id\":\"evt_1\",\"object\":\"charge\",\"type\":\"t\",\"created\":1} | not a Stripe",
                "{\"id\":\"evt_1\",\"type\":\"t\",\"created\":1} | not a Stripe",
                "{\"object\":\"event\",\"type\":\"t\",\"created\":1} | no id",
                "{\"id\":\"\",\"object\":\"event\",\"type\":\"t\",\"created\":1} | no id",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":{},\"created\":1} | no type",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"t\"} | created",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"t\",\"created\":\"1\"} | created",
                "{\"id\":\"evt_1\",\"object\":\"event\",\"type\":\"t\",\"created\":-5} | created"
            })
    void saysWhyABodyIsNotAStripeEvent(String body, String reason) {
        Reading reading = reader.read(body.getBytes(StandardCharsets.UTF_8));

        assertThat(reading).isInstanceOf(NotAnEvent.class);
        assertThat(((NotAnEvent) reading).reason()).contains(reason.trim());
    }

    @Property(tries = 300)
    void neverThrowsOnArbitraryInput(@ForAll byte[] body) {
        assertThat(reader.read(body)).isNotNull();
    }

    @Property(tries = 300)
    void neverThrowsOnArbitraryText(@ForAll String body) {
        assertThat(reader.read(body.getBytes(StandardCharsets.UTF_8))).isNotNull();
    }

    private StripeEventFacts facts(String json) {
        Reading reading = reader.read(json.getBytes(StandardCharsets.UTF_8));
        assertThat(reading).isInstanceOf(Event.class);
        return ((Event) reading).facts();
    }
}
