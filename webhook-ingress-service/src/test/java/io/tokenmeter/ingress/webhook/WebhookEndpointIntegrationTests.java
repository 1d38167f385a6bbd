package io.tokenmeter.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.StripeEvent.SignedDelivery;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestKafka;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** {@code POST /api/subscription/webhook} end to end: HTTP in, the shared broker's topic out. */
@IntegrationTest(
        properties =
                "STRIPE_WEBHOOK_SECRET= "
                        + WebhookEndpointIntegrationTests.OLD_SECRET
                        + " , "
                        + WebhookEndpointIntegrationTests.NEW_SECRET
                        + ",,"
                        + WebhookEndpointIntegrationTests.VECTOR_SECRET)
class WebhookEndpointIntegrationTests {

    static final String OLD_SECRET = "whsec_old_endpoint_secret";
    static final String NEW_SECRET = "whsec_new_endpoint_secret";
    static final String VECTOR_SECRET =
            "whsec_750e601a79a762e75cf1ec30b41b2e6f88daafcc644b3a9f29e735b4453ebb9a";
    static final String VECTOR_HEADER =
            "t=1746757390,v1=bc889a3926c751e3ea753efc027f6adbb11d224b57ebae9e86c0da62461e9f35,"
                    + "v0=537d1b7f8ebf0452111cafdcd6ee4cf80eb1b1ba62bc2ded7569289edfa0a2b0";
    static final String PATH = "/api/subscription/webhook";
    static final String STRIPE_CLI_CONTENT_TYPE = "application/json; charset=utf-8";

    @LocalServerPort int port;
    @LocalManagementPort int managementPort;
    @Autowired SettableClock clock;

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClockConfiguration {
        @Bean
        @Primary
        SettableClock settableClock() {
            return new SettableClock();
        }
    }

    @AfterEach
    void backToTheRealClock() {
        clock.fixed = null;
    }

    @Test
    void storesASignedEventByteExactBeforeAnsweringReceived() {
        SignedDelivery delivery = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        HttpResponse<String> response = post(delivery, STRIPE_CLI_CONTENT_TYPE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body().replace(" ", "")).isEqualTo("{\"received\":true}");
        ConsumerRecord<String, StripeWebhookEvent> record = storedOnce(idOf(delivery));
        assertThat(record.key()).isEqualTo("cus_IhGfebO16cMIGN");
        StripeWebhookEvent event = record.value();
        assertThat(event.getPayload()).isEqualTo(delivery.body());
        assertThat(event.getType()).isEqualTo("customer.subscription.updated");
        assertThat(event.getCustomerId()).isEqualTo("cus_IhGfebO16cMIGN");
        assertThat(event.getApiVersion()).isEqualTo("2020-03-02");
        assertThat(event.getLivemode()).isFalse();
        assertThat(event.getCreated()).isEqualTo(Instant.ofEpochSecond(1619706820));
        assertThat(event.getReceivedAt()).isBetween(now().minusSeconds(60), now());
    }

    @Test
    void storesTheEventWithATraceContextForTheServicesDownstream() {
        SignedDelivery delivery = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        assertThat(post(delivery, "application/json").statusCode()).isEqualTo(200);

        assertThat(traceParent(storedOnce(idOf(delivery))))
                .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")
                .doesNotStartWith("00-" + "0".repeat(32));
    }

    @Test
    void acceptsTheRealStripeSignatureVectorAtItsSigningTime() {
        clock.fixed = Instant.ofEpochSecond(1746757390).plusSeconds(42);
        String payload =
                StripeEvent.fixtureText(
                        "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json");
        assertThat(payload.getBytes(StandardCharsets.UTF_8)).hasSize(5573);

        HttpResponse<String> response =
                post(payload.getBytes(StandardCharsets.UTF_8), VECTOR_HEADER, "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        String eventId =
                StripeEvent.fixture(
                                "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json")
                        .text("/id");
        List<ConsumerRecord<String, StripeWebhookEvent>> stored = stored(eventId);
        assertThat(stored).isNotEmpty();
        ConsumerRecord<String, StripeWebhookEvent> record = stored.get(stored.size() - 1);
        assertThat(record.key()).isEqualTo("cus_SGqVI5XZS5sDjA");
        assertThat(record.value().getPayload().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(record.value().getApiVersion()).isEqualTo("2025-03-31.basil");
        assertThat(record.value().getReceivedAt())
                .isEqualTo(Instant.ofEpochSecond(1746757390).plusSeconds(42));
    }

    @Test
    void refusesTheRealSignatureVectorWhenReplayedLaterThanTheTolerance() {
        clock.fixed = Instant.ofEpochSecond(1746757390).plusSeconds(301);
        byte[] payload =
                StripeEvent.fixtureText(
                                "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json")
                        .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = post(payload, VECTOR_HEADER, "application/json");

        assertProblem(response, 400, "old");
    }

    @Test
    void acceptsEitherSecretDuringARotation() {
        SignedDelivery withOld = subscriptionUpdated(newEventId()).signedWith(OLD_SECRET, now());
        SignedDelivery withNew = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        assertThat(post(withOld, "application/json").statusCode()).isEqualTo(200);
        assertThat(post(withNew, "application/json").statusCode()).isEqualTo(200);
        storedOnce(idOf(withOld));
        storedOnce(idOf(withNew));
    }

    @Test
    void acceptsAHeaderWhoseSecondV1SignatureMatches() {
        SignedDelivery signed = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());
        String[] parts = signed.signatureHeader().split(",");
        String header = parts[0] + ",v1=" + "0".repeat(64) + "," + parts[1];

        HttpResponse<String> response = post(signed.bodyBytes(), header, STRIPE_CLI_CONTENT_TYPE);

        assertThat(response.statusCode()).isEqualTo(200);
        storedOnce(idOf(signed));
    }

    @Test
    void rejectsASignatureMadeWithAnotherSecret() {
        SignedDelivery delivery =
                subscriptionUpdated(newEventId()).signedWith("whsec_someone_else", now());

        HttpResponse<String> response = post(delivery, "application/json");

        assertProblem(response, 400, "signature");
        assertThat(response.body()).doesNotContain(delivery.signatureHeader().substring(15));
        assertNotStored(idOf(delivery));
    }

    @Test
    void rejectsABodyChangedAfterSigning() {
        SignedDelivery signed = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());
        String tampered = signed.body().replace("\"status\":\"active\"", "\"status\":\"canceled\"");
        assertThat(tampered).isNotEqualTo(signed.body());

        HttpResponse<String> response =
                post(
                        tampered.getBytes(StandardCharsets.UTF_8),
                        signed.signatureHeader(),
                        "application/json");

        assertProblem(response, 400, "signature");
        assertNotStored(idOf(signed));
    }

    @Test
    void rejectsADeliveryWithoutSignature() {
        SignedDelivery signed = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        HttpResponse<String> response =
                new TestHttp(port)
                        .send(
                                new TestHttp(port)
                                        .request(PATH)
                                        .header("Content-Type", "application/json")
                                        .POST(
                                                HttpRequest.BodyPublishers.ofByteArray(
                                                        signed.bodyBytes()))
                                        .build());

        assertProblem(response, 400, "Stripe-Signature");
        assertNotStored(idOf(signed));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "garbage",
                "t=,v1=abc",
                "t=notanumber,v1=abc",
                "t,v1",
                "t=1700000000",
                "v1=abc",
                "t=1700000000,v1",
                "t=99999999999999999999,v1=abc",
                ",,,"
            })
    void rejectsMalformedSignatureHeaders(String header) {
        SignedDelivery signed = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        HttpResponse<String> response = post(signed.bodyBytes(), header, "application/json");

        assertProblem(response, 400, "Stripe-Signature");
    }

    @Test
    void rejectsASignatureOlderThanTheTolerance() {
        SignedDelivery delivery =
                subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now().minusSeconds(301));

        HttpResponse<String> response = post(delivery, "application/json");

        assertProblem(response, 400, "300 s old");
        assertNotStored(idOf(delivery));
    }

    @Test
    void rejectsASignatureFromFurtherInTheFutureThanTheTolerance() {
        SignedDelivery delivery =
                subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now().plusSeconds(301));

        HttpResponse<String> response = post(delivery, "application/json");

        assertProblem(response, 400, "future");
        assertNotStored(idOf(delivery));
    }

    @Test
    void acceptsSignaturesJustInsideTheToleranceEitherWay() {
        SignedDelivery past =
                subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now().minusSeconds(280));
        SignedDelivery future =
                subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now().plusSeconds(280));

        assertThat(post(past, "application/json").statusCode()).isEqualTo(200);
        assertThat(post(future, "application/json").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not json at all",
                "[1,2,3]",
                "{\"id\":\"evt_x\",\"object\":\"event\",\"type\":\"invoice.paid\"",
                "{\"id\":\"evt_x\",\"object\":\"charge\",\"type\":\"invoice.paid\",\"created\":1}",
                "{\"object\":\"event\",\"type\":\"invoice.paid\",\"created\":1}",
                "{\"id\":\"evt_x\",\"object\":\"event\",\"created\":1}",
                "{\"id\":\"evt_x\",\"object\":\"event\",\"type\":\"invoice.paid\"}",
                "{\"id\":\"evt_x\",\"object\":\"event\",\"type\":\"a\",\"created\":1} trailing"
            })
    void rejectsSignedBodiesThatAreNotStripeEvents(String body) {
        SignedDelivery delivery = SignedDelivery.sign(body, NEW_SECRET, now());

        HttpResponse<String> response = post(delivery, "application/json");

        assertProblem(response, 400, "");
        assertThat(response.body()).doesNotContain(body);
    }

    @Test
    void rejectsABodyThatIsNotUtf8() {
        byte[] body = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        String header = SignedDelivery.sign("{}", NEW_SECRET, now()).signatureHeader();

        assertProblem(post(body, header, "application/json"), 400, "UTF-8");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "text/plain",
                "application/x-www-form-urlencoded",
                "application/json; charset=iso-8859-1",
                "application/xml",
                "no/such type"
            })
    void rejectsOtherContentTypes(String contentType) {
        SignedDelivery delivery = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());

        HttpResponse<String> response = post(delivery, contentType);

        assertProblem(response, 415, "application/json");
    }

    @Test
    void rejectsADeliveryWithoutContentType() {
        SignedDelivery delivery = subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now());
        HttpRequest request =
                new TestHttp(port)
                        .request(PATH)
                        .header("Stripe-Signature", delivery.signatureHeader())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.bodyBytes()))
                        .build();

        assertProblem(new TestHttp(port).send(request), 415, "application/json");
    }

    @Test
    void rejectsABodyOverOneMebibyteByItsDeclaredLength() {
        byte[] body = new byte[1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');
        String header = SignedDelivery.sign(new String(body), NEW_SECRET, now()).signatureHeader();

        assertProblem(post(body, header, "application/json"), 413, "1048576");
    }

    @Test
    void rejectsAStreamedBodyOverOneMebibyte() {
        byte[] body = new byte[1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');
        HttpRequest request =
                new TestHttp(port)
                        .request(PATH)
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", "t=1,v1=00")
                        .POST(
                                HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new ByteArrayInputStream(body)))
                        .build();

        assertProblem(new TestHttp(port).send(request), 413, "1048576");
    }

    @Test
    void readsABodyOfExactlyOneMebibyte() {
        byte[] body = new byte[1024 * 1024];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        String header = SignedDelivery.sign(new String(body), NEW_SECRET, now()).signatureHeader();

        assertProblem(post(body, header, "application/json"), 400, "not a Stripe event");
    }

    @Test
    void acceptsManyParallelDeliveriesIncludingTheSameEventSeveralTimes() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(newEventId());
        }
        List<Callable<Integer>> deliveries = new ArrayList<>();
        for (int copy = 0; copy < 4; copy++) {
            for (String id : ids) {
                deliveries.add(
                        () ->
                                post(
                                                subscriptionUpdated(id)
                                                        .signedWith(NEW_SECRET, now()),
                                                STRIPE_CLI_CONTENT_TYPE)
                                        .statusCode());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> statuses = new ArrayList<>();
        try {
            for (Future<Integer> status : pool.invokeAll(deliveries)) {
                statuses.add(status.get());
            }
        } finally {
            pool.shutdown();
        }

        assertThat(statuses).hasSize(160).containsOnly(200);
        Map<String, Long> copiesById =
                TestKafka.readAll(Topics.STRIPE_WEBHOOK_EVENTS).stream()
                        .map(record -> record.value().getEventId())
                        .filter(ids::contains)
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(copiesById)
                .hasSize(40)
                .allSatisfy((id, copies) -> assertThat(copies).isEqualTo(4));
    }

    @Test
    void keysAnEventWithoutCustomerByItsId() {
        String id = newEventId();
        SignedDelivery delivery =
                StripeEvent.fixture("checkout.session.completed.event-2020-03-02.json")
                        .id(id)
                        .set("/data/object/customer", null)
                        .signedWith(NEW_SECRET, now());

        assertThat(post(delivery, "application/json").statusCode()).isEqualTo(200);

        ConsumerRecord<String, StripeWebhookEvent> record = storedOnce(id);
        assertThat(record.key()).isEqualTo(id);
        assertThat(record.value().getCustomerId()).isNull();
    }

    @Test
    void countsOutcomesByTypeAndTimesPublishingInPrometheus() {
        post(subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now()), "application/json");
        post(
                subscriptionUpdated(newEventId()).signedWith("whsec_wrong", now()),
                "application/json");
        post(subscriptionUpdated(newEventId()).signedWith(NEW_SECRET, now()), "text/plain");

        String metrics = new TestHttp(managementPort).get("/actuator/prometheus").body();

        assertThat(metrics)
                .containsPattern(
                        "tokenmeter_webhook_requests_total\\{[^}]*outcome=\"accepted\"[^}]*"
                                + "type=\"customer.subscription.updated\"[^}]*} [1-9]")
                .containsPattern(
                        "tokenmeter_webhook_requests_total\\{[^}]*outcome=\"bad_signature\""
                                + "[^}]*type=\"none\"[^}]*} [1-9]")
                .containsPattern(
                        "tokenmeter_webhook_requests_total\\{[^}]*"
                                + "outcome=\"unsupported_media_type\"[^}]*} [1-9]")
                .containsPattern(
                        "tokenmeter_webhook_publish_seconds_bucket\\{[^}]*result=\"acknowledged\"")
                .containsPattern(
                        "tokenmeter_webhook_publish_seconds_count\\{[^}]*result=\"acknowledged\""
                                + "[^}]*} [1-9]");
    }

    private static StripeEvent subscriptionUpdated(String eventId) {
        return StripeEvent.fixture("customer.subscription.updated.event-2020-03-02.json")
                .id(eventId);
    }

    private static String newEventId() {
        return "evt_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static String idOf(SignedDelivery delivery) {
        String marker = "\"id\":\"";
        int start = delivery.body().indexOf(marker) + marker.length();
        return delivery.body().substring(start, delivery.body().indexOf('"', start));
    }

    private static Instant now() {
        return Instant.now();
    }

    private HttpResponse<String> post(SignedDelivery delivery, String contentType) {
        return post(delivery.bodyBytes(), delivery.signatureHeader(), contentType);
    }

    private HttpResponse<String> post(byte[] body, String signatureHeader, String contentType) {
        TestHttp http = new TestHttp(port);
        return http.send(
                http.request(PATH)
                        .header("Content-Type", contentType)
                        .header("Stripe-Signature", signatureHeader)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        assertThat(response.body())
                .contains("\"status\":" + status)
                .contains("\"detail\":\"")
                .contains(detail)
                .doesNotContain("whsec_")
                .doesNotContain("Exception");
    }

    private static List<ConsumerRecord<String, StripeWebhookEvent>> stored(String eventId) {
        return TestKafka.readAll(Topics.STRIPE_WEBHOOK_EVENTS).stream()
                .filter(record -> record.value().getEventId().equals(eventId))
                .toList();
    }

    /** The event was on the topic when the 200 came back: no waiting allowed. */
    private static ConsumerRecord<String, StripeWebhookEvent> storedOnce(String eventId) {
        List<ConsumerRecord<String, StripeWebhookEvent>> records = stored(eventId);
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static String traceParent(ConsumerRecord<String, StripeWebhookEvent> record) {
        Header header = record.headers().lastHeader("traceparent");
        assertThat(header).as("traceparent header").isNotNull();
        return new String(header.value(), StandardCharsets.US_ASCII);
    }

    private static void assertNotStored(String eventId) {
        assertThat(stored(eventId)).isEmpty();
    }

    /** The system clock, unless a test pins it. */
    static final class SettableClock extends Clock {
        volatile Instant fixed;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant pinned = fixed;
            return pinned != null ? pinned : Instant.now();
        }
    }
}
