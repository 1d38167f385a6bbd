package io.tokenmeter.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.StripeEvent.SignedDelivery;
import io.tokenmeter.testsupport.TestKafka;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rule 8 under a broker failure: a stream of deliveries runs while the broker goes down. Every
 * delivery answered 200 must be on the topic; every delivery not on the topic must have been
 * answered non-2xx. The broker is this class's own (the JVM's shared one stays up for the others);
 * it is restarted afterwards only to read what it stored.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "STRIPE_WEBHOOK_SECRET=" + WebhookDurabilityIntegrationTests.SECRET,
            "TOKENMETER_ENV=development",
            "tokenmeter.webhook.publish-timeout=2s",
            "spring.kafka.producer.properties.max.block.ms=1000",
            "spring.kafka.producer.properties.request.timeout.ms=1000",
            "spring.kafka.producer.properties.delivery.timeout.ms=1500",
            "spring.kafka.producer.properties.reconnect.backoff.max.ms=200"
        })
class WebhookDurabilityIntegrationTests {

    static final String SECRET = "whsec_durability";
    private static final String TOPIC = Topics.STRIPE_WEBHOOK_EVENTS.name();
    private static final int CLIENTS = 8;

    private static final EmbeddedKafkaKraftBroker broker = startBroker();

    @LocalServerPort int port;

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", broker::getBrokersAsString);
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Test
    void everyAcknowledgedDeliveryIsOnTheTopicWhenTheBrokerStopsMidStream() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, Integer> statusByEvent = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicReference<HttpResponse<String>> lastRefusal = new AtomicReference<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> streams = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            streams.add(
                    clients.submit(
                            () -> {
                                while (refused.get() < 2 * CLIENTS) {
                                    String id = "evt_durability_" + sent.incrementAndGet();
                                    HttpResponse<String> response = deliver(http, id);
                                    int status = response.statusCode();
                                    statusByEvent.put(id, status);
                                    if (status != 200) {
                                        refused.incrementAndGet();
                                        lastRefusal.set(response);
                                    }
                                    if (sent.get() >= 60 && stopped.compareAndSet(false, true)) {
                                        broker.getCluster()
                                                .brokers()
                                                .values()
                                                .forEach(b -> b.shutdown());
                                    }
                                }
                                return null;
                            }));
        }
        try {
            for (Future<?> stream : streams) {
                stream.get(2, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }

        broker.getCluster().brokers().values().forEach(b -> b.startup());
        Set<String> stored = storedEventIds();

        Set<String> acknowledged = new HashSet<>();
        statusByEvent.forEach(
                (id, status) -> {
                    if (status / 100 == 2) {
                        acknowledged.add(id);
                    }
                });
        Set<String> notStored = new HashSet<>(statusByEvent.keySet());
        notStored.removeAll(stored);
        System.out.printf(
                "durability: %d deliveries, %d acknowledged, %d refused, %d stored%n",
                statusByEvent.size(), acknowledged.size(), refused.get(), stored.size());

        assertThat(acknowledged)
                .as("deliveries acknowledged before the broker stopped")
                .isNotEmpty();
        assertThat(refused.get()).as("deliveries refused after the broker stopped").isPositive();
        assertThat(stored).as("every acknowledged delivery is stored").containsAll(acknowledged);
        HttpResponse<String> refusal = lastRefusal.get();
        assertThat(refusal.statusCode()).isEqualTo(503);
        assertThat(refusal.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(refusal.headers().firstValue("Content-Type"))
                .hasValue("application/problem+json");
        assertThat(refusal.body()).contains("\"detail\":\"The event could not be stored durably");
        assertThat(notStored)
                .as("no delivery that is not stored was acknowledged")
                .allSatisfy(id -> assertThat(statusByEvent.get(id)).isEqualTo(503));
    }

    private HttpResponse<String> deliver(HttpClient http, String eventId) throws Exception {
        SignedDelivery delivery =
                StripeEvent.fixture("customer.subscription.updated.event-2020-03-02.json")
                        .id(eventId)
                        .signedWith(SECRET, Instant.now());
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://localhost:" + port + "/api/subscription/webhook"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json; charset=utf-8")
                        .header("Stripe-Signature", delivery.signatureHeader())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.bodyBytes()))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> storedEventIds() {
        Set<String> ids = new HashSet<>();
        AvroSingleObjectDeserializer avro = new AvroSingleObjectDeserializer();
        TestKafka.forEachRecord(
                broker.getBrokersAsString(),
                TOPIC,
                record ->
                        ids.add(
                                ((StripeWebhookEvent) avro.deserialize(TOPIC, record.value()))
                                        .getEventId()));
        return ids;
    }

    private static EmbeddedKafkaKraftBroker startBroker() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1).kafkaPorts(freePort());
        broker.brokerProperties(
                Map.of(
                        "transaction.state.log.replication.factor", "1",
                        "transaction.state.log.min.isr", "1",
                        "auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        return broker;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
