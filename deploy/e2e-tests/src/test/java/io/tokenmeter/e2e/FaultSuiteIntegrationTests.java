package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.localstack.KafkaBroker;
import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.testsupport.HostileRecords;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fault suite (issue 16): the five real jars on a broker that can be stopped and started again
 * (the {@code kafka_2.13} server as a child process, same port and log directory), one real
 * PostgreSQL database, and faults injected while traffic flows: a broker outage under signed
 * webhooks, {@code kill -9} of every consumer service in the middle of a stream, the database
 * refusing connections under load, poison records on every consumed topic, and generated hostile
 * HTTP requests on every endpoint. Every outcome is compared with what a run without faults gives;
 * at the end every log line the processes wrote is scanned for the secrets and bearer tokens in
 * play. The figures go to {@code target/fault-suite-figures.txt} (and docs/reliability.md).
 *
 * <p>PostgreSQL is the machine's shared server, which a test must not restart: its "restart" is the
 * test database refusing connections and losing the open ones ({@link
 * TestInfrastructure#whileDatabaseIsDown}), which is what the services see of a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIntegrationTests {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ISSUER = "https://login.fault-suite.tokenmeter.test/";
    static final String AUDIENCE = "tokenmeter-fault-suite";
    static final long SEED = Long.getLong("tokenmeter.fault.seed", System.nanoTime());
    static final Random RANDOM = new Random(SEED);

    static Path brokerDirectory;
    static Path logs;
    static int brokerPort;
    static int controllerPort;
    static volatile KafkaBroker broker;
    static RunningSystem system;

    /** What the suite did and found; written out at the end. */
    static final AtomicInteger runs = new AtomicInteger();

    static final AtomicInteger faults = new AtomicInteger();
    static final AtomicLong eventsSent = new AtomicLong();
    static final AtomicLong lost = new AtomicLong();
    static final AtomicLong doubled = new AtomicLong();
    static final AtomicLong requestsTried = new AtomicLong();
    static final AtomicLong serverErrors = new AtomicLong();
    static final Map<String, String> figureNotes = new LinkedHashMap<>();

    /** Every bearer token and signature header the suite sent: none may reach a log. */
    static final Set<String> sentCredentials = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        logs =
                Files.createDirectories(
                        Path.of(
                                        "target",
                                        "e2e-logs",
                                        FaultSuiteIntegrationTests.class.getSimpleName())
                                .toAbsolutePath());
        brokerDirectory = Files.createTempDirectory("fault-suite-kafka");
        brokerPort = freePort();
        controllerPort = freePort();
        broker = KafkaBroker.start(brokerDirectory, logs, brokerPort, controllerPort);
        system =
                RunningSystem.start(
                        FaultSuiteIntegrationTests.class,
                        RunningSystem.TEST_JVM,
                        broker.bootstrapServers(),
                        Map.of("AUTH_JWT_ISSUER", ISSUER, "AUTH_JWT_AUDIENCE", AUDIENCE));
        System.out.println(
                "[fault-suite] seed " + SEED + " (-Dtokenmeter.fault.seed=" + SEED + ")");
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (system != null) {
                system.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        String figures =
                String.join(
                        "\n",
                        "seed " + SEED,
                        "runs " + runs.get(),
                        "faults injected " + faults.get(),
                        "events sent " + eventsSent.get(),
                        "lost " + lost.get(),
                        "doubled " + doubled.get(),
                        "requests tried " + requestsTried.get(),
                        "5xx " + serverErrors.get(),
                        figureNotes.entrySet().stream()
                                .map(e -> e.getKey() + ": " + e.getValue())
                                .reduce((a, b) -> a + "\n" + b)
                                .orElse(""));
        Files.writeString(Path.of("target", "fault-suite-figures.txt"), figures + "\n");
        System.out.println("[fault-suite] " + figures.replace("\n", "; "));
    }

    // ---------------------------------------------------------------------------------------
    // Broker outage during signed webhooks

    @Test
    @Order(1)
    void brokerOutageDuringWebhooksLosesNoAcknowledgedEventAndRetriedOnesLandAfterRecovery()
            throws Exception {
        runs.incrementAndGet();
        int events = 40;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            ids.add("evt_fault_outage_" + i + "_" + UUID.randomUUID().toString().substring(0, 8));
        }
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Void>> deliveries = new ArrayList<>();
        for (String id : ids) {
            deliveries.add(
                    CompletableFuture.runAsync(
                            () -> deliverUntilAccepted(id, acknowledged, refused), senders));
        }
        eventsSent.addAndGet(events);
        await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= events / 4);
        broker.close();
        faults.incrementAndGet();
        Thread.sleep(8_000);
        broker = KafkaBroker.start(brokerDirectory, logs, brokerPort, controllerPort);
        CompletableFuture.allOf(deliveries.toArray(CompletableFuture[]::new))
                .get(180, TimeUnit.SECONDS);
        senders.shutdown();

        assertThat(refused.get()).as("deliveries refused while the broker was down").isPositive();
        Set<String> onTopic = new HashSet<>();
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            onTopic.clear();
                            onTopic.addAll(webhookEventIdsOnTopic());
                            assertThat(onTopic).containsAll(acknowledged);
                        });
        Set<String> missing = new HashSet<>(ids);
        missing.removeAll(onTopic);
        lost.addAndGet(missing.size());
        figureNotes.put(
                "broker outage",
                events + " webhooks, " + refused.get() + " deliveries refused (503) while down");
        assertThat(missing).as("webhooks never on the topic").isEmpty();
    }

    private static void deliverUntilAccepted(
            String id, Set<String> acknowledged, AtomicInteger refused) {
        String customer = "cus_fault_" + id.substring(id.length() - 8);
        StripeEvent event =
                StripeEvent.fixture("checkout.session.completed.event-2025-03-31.basil.json")
                        .id(id)
                        .created(Instant.now())
                        .set("/data/object/client_reference_id", "u_fault_outage_" + customer)
                        .set("/data/object/customer", customer)
                        .set("/data/object/metadata/user_id", "u_fault_outage_" + customer);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(150));
        while (Instant.now().isBefore(deadline)) {
            int status;
            try {
                status = deliver(event).statusCode();
            } catch (RuntimeException e) {
                status = -1;
            }
            if (status >= 200 && status < 300) {
                acknowledged.add(id);
                return;
            }
            if (status >= 500 && status != 503) {
                serverErrors.incrementAndGet();
            }
            refused.incrementAndGet();
            sleep(300);
        }
        throw new AssertionError(id + " never accepted");
    }

    private static Set<String> webhookEventIdsOnTopic() {
        Set<String> ids = new HashSet<>();
        AvroSingleObjectDeserializer avro = new AvroSingleObjectDeserializer();
        TestKafka.forEachRecord(
                broker.bootstrapServers(),
                Topics.STRIPE_WEBHOOK_EVENTS.name(),
                record -> {
                    Object value = avro.deserialize(record.topic(), record.value());
                    if (value instanceof StripeWebhookEvent event) {
                        ids.add(event.getEventId());
                    }
                });
        return ids;
    }

    // ---------------------------------------------------------------------------------------
    // kill -9 of every consumer service during a stream

    @Test
    @Order(2)
    void killingEveryConsumerServiceMidStreamChangesNoFinalTotalOrState() throws Exception {
        runs.incrementAndGet();
        String prefix = "u_fault_kill_" + System.nanoTime() + "_";
        List<SessionCompleted> stream = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        int sessions = 1_500;
        for (int i = 0; i < sessions; i++) {
            String user = prefix + RANDOM.nextInt(20);
            SessionCompleted session = session(user, 1);
            stream.add(session);
            expected.merge(user, 1L, Long::sum);
            if (RANDOM.nextInt(50) == 0) {
                stream.add(session); // a duplicate delivery: counted once
            }
        }
        eventsSent.addAndGet(stream.size());
        // Users who subscribe meanwhile (through the ingress): subscription, notification and the
        // dashboard must all end with PRO.
        List<String> subscribers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            subscribers.add(prefix + "subscriber_" + i);
        }

        AtomicInteger produced = new AtomicInteger();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> produceSlowly(stream, produced, 60));
        CompletableFuture<Void> subscribing =
                CompletableFuture.runAsync(
                        () -> {
                            for (String user : subscribers) {
                                subscribeToPro(user);
                                sleep(2_000);
                            }
                        });

        // Round one: metering and the dashboard; round two: subscription, notification and
        // metering again; each at a random moment of the stream.
        List<List<String>> rounds =
                List.of(
                        List.of("usage-metering-service", "dashboard-api-service"),
                        List.of(
                                "subscription-service",
                                "notification-service",
                                "usage-metering-service"));
        double[] moments = {0.10 + RANDOM.nextDouble() * 0.25, 0.45 + RANDOM.nextDouble() * 0.25};
        List<String> killed = new ArrayList<>();
        for (int round = 0; round < rounds.size(); round++) {
            int at = (int) (stream.size() * moments[round]);
            await().atMost(Duration.ofSeconds(120)).until(() -> produced.get() >= at);
            List<CompletableFuture<Void>> restarts = new ArrayList<>();
            for (String service : rounds.get(round)) {
                system.kill(service);
                faults.incrementAndGet();
                killed.add(service + "@" + at);
                restarts.add(
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        system.restart(service);
                                    } catch (Exception e) {
                                        throw new IllegalStateException(e);
                                    }
                                }));
            }
            CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new))
                    .get(240, TimeUnit.SECONDS);
        }
        producing.get(240, TimeUnit.SECONDS);
        subscribing.get(240, TimeUnit.SECONDS);
        figureNotes.put("kill -9", String.join(", ", killed) + " (of " + stream.size() + ")");

        assertTotals(expected);
        for (String user : subscribers) {
            await().atMost(Duration.ofSeconds(120))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> {
                                assertThat(status(user).get("tier").asString())
                                        .as(user)
                                        .isEqualTo("PRO");
                                assertThat(notificationTier(user)).as(user).isEqualTo("PRO");
                            });
        }
    }

    // ---------------------------------------------------------------------------------------
    // PostgreSQL refusing connections under load

    @Test
    @Order(3)
    void aDatabaseOutageUnderLoadLosesAndDoublesNothing() throws Exception {
        runs.incrementAndGet();
        String prefix = "u_fault_db_" + System.nanoTime() + "_";
        List<SessionCompleted> stream = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            String user = prefix + RANDOM.nextInt(10);
            SessionCompleted session = session(user, 1);
            stream.add(session);
            expected.merge(user, 1L, Long::sum);
        }
        eventsSent.addAndGet(stream.size());
        AtomicInteger produced = new AtomicInteger();
        CompletableFuture<Void> producing =
                CompletableFuture.runAsync(() -> produceSlowly(stream, produced, 60));
        await().atMost(Duration.ofSeconds(60)).until(() -> produced.get() >= stream.size() / 3);
        TestInfrastructure.whileDatabaseIsDown(
                system.database().name(),
                () -> {
                    faults.incrementAndGet();
                    Thread.sleep(6_000);
                });
        producing.get(120, TimeUnit.SECONDS);
        assertTotals(expected);
    }

    // ---------------------------------------------------------------------------------------
    // Poison records on every consumed topic

    @Test
    @Order(4)
    void poisonRecordsOnEveryConsumedTopicAreDeadLetteredAndTheNextRecordsProcessed()
            throws Exception {
        runs.incrementAndGet();
        String user = "u_fault_poison_" + System.nanoTime();
        StripeScript stripe = new StripeScript(user);
        Map<Topic<?>, String> keys = new LinkedHashMap<>();
        keys.put(Topics.SESSION_COMPLETED, user);
        keys.put(Topics.SUBSCRIPTION_STATE, user);
        keys.put(Topics.USAGE_STATE, user);
        keys.put(Topics.SESSION_COST, user);
        keys.put(Topics.USAGE_THRESHOLD, user);
        keys.put(Topics.STRIPE_WEBHOOK_EVENTS, stripe.customerId());
        // Consumer groups that dead-letter what they cannot read. notification-service passes
        // over broken Stripe records (subscription-service dead-letters those).
        Map<Topic<?>, Integer> consumerGroups =
                Map.of(
                        Topics.SESSION_COMPLETED, 1,
                        Topics.SUBSCRIPTION_STATE, 3,
                        Topics.USAGE_STATE, 1,
                        Topics.SESSION_COST, 1,
                        Topics.USAGE_THRESHOLD, 1,
                        Topics.STRIPE_WEBHOOK_EVENTS, 1);
        Map<Topic<?>, Integer> poisoned = new HashMap<>();
        Instant now = Instant.now();
        try (KafkaProducer<String, Object> producer = producer()) {
            for (Map.Entry<Topic<?>, String> topic : keys.entrySet()) {
                List<Object> poison = new ArrayList<>();
                poison.add(HostileRecords.allocationBomb(topic.getKey()));
                poison.add("\u00c3\u0001 not an Avro record".getBytes(StandardCharsets.UTF_8));
                if (topic.getKey() == Topics.SESSION_COMPLETED) {
                    poison.addAll(hostileSessions(user, now));
                }
                for (Object value : poison) {
                    producer.send(
                                    new ProducerRecord<>(
                                            topic.getKey().name(), topic.getValue(), value))
                            .get(30, TimeUnit.SECONDS);
                }
                poisoned.put(topic.getKey(), poison.size());
                faults.addAndGet(poison.size());
            }
        }

        // Then the records that follow on the same partitions: a subscription (webhooks →
        // subscription state → metering, dashboard, notification) and a session large enough to
        // cross a threshold (→ usage state, session cost, threshold crossing).
        deliverAccepted(stripe.checkoutCompleted(now.minusSeconds(30)));
        Instant periodStart = now.minus(Duration.ofMinutes(5));
        deliverAccepted(
                stripe.subscription(
                        "customer.subscription.created",
                        RunningSystem.PRICE_PRO,
                        "active",
                        periodStart,
                        periodStart.plus(Duration.ofDays(30)),
                        now.minusSeconds(20)));
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(status(user).get("tier").asString()).isEqualTo("PRO"));
        long tokens = 5_000_000; // 83 % of PRO's 6,000,000: a threshold crossing
        SessionCompleted valid = session(user, tokens);
        send(Topics.SESSION_COMPLETED, user, valid);
        eventsSent.addAndGet(3);

        assertTotals(Map.of(user, tokens));
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            HttpResponse<String> cost =
                                    http("dashboard-api-service")
                                            .get(
                                                    "/api/sessions/"
                                                            + valid.getSessionId()
                                                            + "/cost",
                                                    userJwt(user));
                            assertThat(cost.statusCode()).as(cost.body()).isEqualTo(200);
                            assertThat(notificationTier(user)).isEqualTo("PRO");
                            assertThat(notificationDeliveriesOf(user, "threshold")).isPositive();
                        });
        Map<String, String> deadLetters = new LinkedHashMap<>();
        for (Map.Entry<Topic<?>, String> topic : keys.entrySet()) {
            int expected = poisoned.get(topic.getKey()) * consumerGroups.get(topic.getKey());
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () ->
                                    assertThat(deadLettered(topic.getKey(), topic.getValue()))
                                            .as(topic.getKey().deadLetterTopic())
                                            .isGreaterThanOrEqualTo(expected));
            deadLetters.put(topic.getKey().name(), String.valueOf(expected));
        }
        figureNotes.put("poison records (dead letters per topic)", deadLetters.toString());
        assertEveryServiceHealthy();
    }

    private static List<SessionCompleted> hostileSessions(String user, Instant now) {
        SessionCompletedBuilder farFuture =
                SessionCompletedBuilder.anySession()
                        .user(user)
                        .completedAt(now.plus(Duration.ofDays(36_500L * 1_000)))
                        .tokens(1_000);
        SessionCompletedBuilder beforeTwentyTwenty =
                SessionCompletedBuilder.anySession()
                        .user(user)
                        .completedAt(Instant.parse("2019-06-01T00:00:00Z"))
                        .tokens(1_000);
        SessionCompletedBuilder hugeCounts =
                SessionCompletedBuilder.anySession()
                        .user(user)
                        .completedAt(now)
                        .tokens(2_000_000_000_000L);
        SessionCompletedBuilder manyPhases =
                SessionCompletedBuilder.anySession().user(user).completedAt(now);
        for (int i = 0; i < 1_001; i++) {
            manyPhases.phase("p" + i, "gpt-4o", 1, 0, 0);
        }
        SessionCompletedBuilder longModel =
                SessionCompletedBuilder.anySession()
                        .user(user)
                        .completedAt(now)
                        .phase("grading", "m".repeat(300), 10, 0, 0);
        return Stream.of(farFuture, beforeTwentyTwenty, hugeCounts, manyPhases, longModel)
                .map(SessionCompletedBuilder::build)
                .toList();
    }

    private static int deadLettered(Topic<?> topic, String key) {
        AtomicInteger count = new AtomicInteger();
        TestKafka.forEachRecord(
                broker.bootstrapServers(),
                topic.deadLetterTopic(),
                record -> {
                    if (key.equals(record.key())) {
                        count.incrementAndGet();
                    }
                });
        return count.get();
    }

    // ---------------------------------------------------------------------------------------
    // Hostile HTTP input, generated

    /** How a request authenticates where it is valid. */
    enum Auth {
        NONE,
        USER_JWT,
        SERVICE_TOKEN,
        STRIPE_SIGNATURE
    }

    /**
     * An endpoint of the contract. {@code reachesStripe}: with valid credentials it calls Stripe
     * (checkout, portal), which these tests do not reach, so only its credentials are attacked.
     */
    record Endpoint(
            String service,
            String method,
            String path,
            Auth auth,
            String body,
            boolean reachesStripe) {}

    static final List<Endpoint> ENDPOINTS =
            Stream.concat(
                            ServiceProcess.ALL.stream()
                                    .map(
                                            service ->
                                                    new Endpoint(
                                                            service.name(),
                                                            "GET",
                                                            "/actuator/health",
                                                            Auth.NONE,
                                                            null,
                                                            false)),
                            Stream.of(
                                    new Endpoint(
                                            "webhook-ingress-service",
                                            "POST",
                                            "/api/subscription/webhook",
                                            Auth.STRIPE_SIGNATURE,
                                            null,
                                            false),
                                    new Endpoint(
                                            "subscription-service",
                                            "GET",
                                            "/api/subscription/checkout/PRO",
                                            Auth.USER_JWT,
                                            null,
                                            true),
                                    new Endpoint(
                                            "subscription-service",
                                            "POST",
                                            "/api/subscription/portal",
                                            Auth.USER_JWT,
                                            "{}",
                                            true),
                                    new Endpoint(
                                            "usage-metering-service",
                                            "GET",
                                            "/api/usage/{p}",
                                            Auth.SERVICE_TOKEN,
                                            null,
                                            false),
                                    new Endpoint(
                                            "usage-metering-service",
                                            "POST",
                                            "/api/usage/{p}/reservations",
                                            Auth.SERVICE_TOKEN,
                                            "{\"session_id\":\"s_hostile\",\"estimated_tokens\":1000}",
                                            false),
                                    new Endpoint(
                                            "usage-metering-service",
                                            "DELETE",
                                            "/api/usage/{p}/reservations/{p}",
                                            Auth.SERVICE_TOKEN,
                                            null,
                                            false),
                                    new Endpoint(
                                            "dashboard-api-service",
                                            "GET",
                                            "/api/subscription/status",
                                            Auth.USER_JWT,
                                            null,
                                            false),
                                    new Endpoint(
                                            "dashboard-api-service",
                                            "GET",
                                            "/api/sessions",
                                            Auth.USER_JWT,
                                            null,
                                            false),
                                    new Endpoint(
                                            "dashboard-api-service",
                                            "GET",
                                            "/api/sessions/{p}/cost",
                                            Auth.USER_JWT,
                                            null,
                                            false),
                                    new Endpoint(
                                            "dashboard-api-service",
                                            "GET",
                                            "/api/ui/config",
                                            Auth.NONE,
                                            null,
                                            false),
                                    new Endpoint(
                                            "notification-service",
                                            "PUT",
                                            "/api/notifications/contacts/{p}",
                                            Auth.SERVICE_TOKEN,
                                            "{\"email\":\"hostile@example.com\",\"locale\":\"fr\"}",
                                            false),
                                    new Endpoint(
                                            "notification-service",
                                            "DELETE",
                                            "/api/notifications/contacts/{p}",
                                            Auth.SERVICE_TOKEN,
                                            null,
                                            false),
                                    new Endpoint(
                                            "notification-service",
                                            "GET",
                                            "/unsubscribe/{p}",
                                            Auth.NONE,
                                            null,
                                            false),
                                    new Endpoint(
                                            "notification-service",
                                            "POST",
                                            "/unsubscribe/{p}",
                                            Auth.NONE,
                                            "",
                                            false)))
                    .toList();

    /** What is wrong with a request; {@code credentials}: the attack is on its credentials. */
    enum Attack {
        NO_CREDENTIALS(true),
        GARBAGE_CREDENTIALS(true),
        JWT_ALG_NONE(true),
        JWT_OTHER_ALGORITHM(true),
        JWT_RS256_HEADER_WITH_HMAC(true),
        JWT_TAMPERED_CLAIMS(true),
        JWT_MISSING_EXP(true),
        JWT_MISSING_SUB(true),
        JWT_EXPIRED(true),
        JWT_FOREIGN_ISSUER(true),
        JWT_WRONG_AUDIENCE(true),
        JWT_WRONG_KEY(true),
        SERVICE_TOKEN_ALMOST(true),
        SIGNATURE_HUNDREDS_OF_V1(true),
        SIGNATURE_REPLAYED_STALE(true),
        HUGE_HEADER(false),
        MALFORMED_HEADER_LINE(false),
        TRUNCATED_BODY(false),
        WRONG_CONTENT_TYPE(false),
        HUGE_PATH(false),
        ODD_PATH_PARAMETER(false);

        final boolean credentials;

        Attack(boolean credentials) {
            this.credentials = credentials;
        }
    }

    record HostileRequest(Endpoint endpoint, Attack attack, String parameter, int size) {}

    @Test
    @Order(5)
    void generatedHostileRequestsOnEveryEndpointGetAClear4xxAndLeaveEveryServiceHealthy()
            throws Exception {
        runs.incrementAndGet();
        Arbitrary<String> parameters =
                Arbitraries.oneOf(
                        Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40),
                        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                        Arbitraries.of(
                                "%00", "..%2F..%2Fetc%2Fpasswd", "%ZZ", "%C0%AF", "%E2%80%AE"));
        Arbitrary<HostileRequest> requests =
                Combinators.combine(
                                Arbitraries.of(ENDPOINTS),
                                Arbitraries.of(Attack.values()),
                                parameters,
                                Arbitraries.integers().between(100, 600))
                        .as(HostileRequest::new);
        int tries = Integer.getInteger("tokenmeter.fault.http-tries", 600);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        // Every endpoint meets every attack once, then generated combinations.
        List<HostileRequest> all = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            for (Attack attack : Attack.values()) {
                all.add(new HostileRequest(endpoint, attack, "u_hostile", 200));
            }
        }
        requests.sampleStream().limit(Math.max(0, tries - all.size())).forEach(all::add);
        for (HostileRequest request : all) {
            RawResponse response = send(request);
            requestsTried.incrementAndGet();
            statuses.computeIfAbsent(response.status(), s -> new AtomicInteger()).incrementAndGet();
            String problem = judge(request, response);
            if (response.status() >= 500) {
                serverErrors.incrementAndGet();
            }
            if (problem != null) {
                failures.add(
                        problem
                                + " — "
                                + describe(request)
                                + " → "
                                + response.status()
                                + " "
                                + abbreviate(response.body()));
            }
        }
        figureNotes.put("hostile requests by status", new java.util.TreeMap<>(statuses).toString());
        assertEveryServiceHealthy();
        assertThat(failures).as("hostile requests answered badly").isEmpty();
    }

    private static String judge(HostileRequest request, RawResponse response) {
        if (response.status() >= 500) {
            return "server error";
        }
        if (STACK_TRACE.matcher(response.body()).find()) {
            return "stack trace in the answer";
        }
        if (response.status() == -1) {
            // The server closed the connection without an answer: acceptable only for requests
            // too malformed or too large to read.
            return request.attack() == Attack.HUGE_HEADER
                            || request.attack() == Attack.HUGE_PATH
                            || request.attack() == Attack.MALFORMED_HEADER_LINE
                    ? null
                    : "no answer";
        }
        if (mustBeRefused(request) && (response.status() < 400 || response.status() >= 500)) {
            return "not refused";
        }
        return null;
    }

    /** Whether a 2xx would be wrong: the request is broken in a way the endpoint must notice. */
    private static boolean mustBeRefused(HostileRequest request) {
        Endpoint endpoint = request.endpoint();
        return switch (request.attack()) {
            case HUGE_HEADER, HUGE_PATH, MALFORMED_HEADER_LINE -> true;
            case TRUNCATED_BODY, WRONG_CONTENT_TYPE ->
                    endpoint.auth() == Auth.STRIPE_SIGNATURE
                            || (endpoint.body() != null && !endpoint.body().isEmpty());
            case ODD_PATH_PARAMETER -> false;
            default -> endpoint.auth() != Auth.NONE;
        };
    }

    static final Pattern STACK_TRACE =
            Pattern.compile(
                    "(?m)(^\\s*at [\\w.$]+\\(|\\b(java|javax|org|io|com)\\.[\\w.]+(Exception|Error)\\b)");

    private static RawResponse send(HostileRequest request) {
        Endpoint endpoint = request.endpoint();
        Attack attack = request.attack();
        String parameter =
                attack == Attack.HUGE_PATH
                        ? "p".repeat(20_000)
                        : attack == Attack.ODD_PATH_PARAMETER
                                ? request.parameter()
                                : encode(request.parameter());
        String path =
                endpoint.path().contains("{p}") || attack != Attack.HUGE_PATH
                        ? endpoint.path().replace("{p}", parameter)
                        : endpoint.path() + "?pad=" + parameter;
        String body = endpoint.body();
        String contentType = body == null ? null : "application/json";
        List<String> headers = new ArrayList<>();
        if (endpoint.auth() == Auth.STRIPE_SIGNATURE) {
            body =
                    StripeEvent.fixture("checkout.session.completed.event-2025-03-31.basil.json")
                            .id("evt_hostile_" + UUID.randomUUID())
                            .created(Instant.now())
                            .json();
            contentType = "application/json";
        }
        boolean validCredentials =
                !attack.credentials && !(endpoint.reachesStripe() && !attack.credentials);
        String credential = credentialFor(endpoint, attack, validCredentials, body);
        if (credential != null) {
            headers.add(credential);
            sentCredentials.add(credential.substring(credential.indexOf(':') + 1).trim());
        }
        if (attack == Attack.HUGE_HEADER) {
            headers.add("X-Hostile: " + "h".repeat(request.size() * 200));
        }
        if (attack == Attack.MALFORMED_HEADER_LINE) {
            headers.add("X-Hostile header without colon");
            headers.add("\u0001Bad-Name: value");
        }
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (attack == Attack.TRUNCATED_BODY && payload != null) {
            payload = java.util.Arrays.copyOf(payload, payload.length / 2);
            if (payload.length == 0) {
                payload = "{\"".getBytes(StandardCharsets.UTF_8);
            }
        }
        if (attack == Attack.WRONG_CONTENT_TYPE) {
            contentType = RANDOM.nextBoolean() ? "text/plain" : "application/xml";
            if (payload == null) {
                payload = "<hostile/>".getBytes(StandardCharsets.UTF_8);
            }
        }
        return RawHttp.exchange(
                system.port(endpoint.service()),
                endpoint.method(),
                path,
                headers,
                contentType,
                payload);
    }

    private static String credentialFor(
            Endpoint endpoint, Attack attack, boolean valid, String body) {
        String user = "u_hostile";
        return switch (endpoint.auth()) {
            case NONE -> attack.credentials ? "Authorization: " + bearerFor(attack, user) : null;
            case USER_JWT ->
                    valid
                            ? "Authorization: Bearer " + userJwt(user)
                            : attack == Attack.NO_CREDENTIALS
                                    ? null
                                    : "Authorization: " + bearerFor(attack, user);
            case SERVICE_TOKEN ->
                    valid
                            ? "Authorization: Bearer " + RunningSystem.METERING_TOKEN
                            : attack == Attack.NO_CREDENTIALS
                                    ? null
                                    : attack == Attack.SERVICE_TOKEN_ALMOST
                                            ? "Authorization: Bearer "
                                                    + RunningSystem.METERING_TOKEN
                                                    + "x"
                                            : "Authorization: " + bearerFor(attack, user);
            case STRIPE_SIGNATURE -> "Stripe-Signature: " + signatureFor(attack, valid, body);
        };
    }

    private static String signatureFor(Attack attack, boolean valid, String body) {
        long now = Instant.now().getEpochSecond();
        if (valid) {
            return StripeEvent.SignedDelivery.sign(
                            body, RunningSystem.WEBHOOK_SECRET, Instant.now())
                    .signatureHeader();
        }
        return switch (attack) {
            case NO_CREDENTIALS -> "";
            case SIGNATURE_HUNDREDS_OF_V1 -> {
                StringBuilder header = new StringBuilder("t=" + now);
                for (int i = 0; i < 500; i++) {
                    header.append(",v1=")
                            .append(hex(hmac("HmacSHA256", ("k" + i).getBytes(), body)));
                }
                yield header.toString();
            }
            case SIGNATURE_REPLAYED_STALE ->
                    StripeEvent.SignedDelivery.sign(
                                    body,
                                    RunningSystem.WEBHOOK_SECRET,
                                    Instant.now().minus(Duration.ofHours(2)))
                            .signatureHeader();
            case JWT_WRONG_KEY, GARBAGE_CREDENTIALS ->
                    "t="
                            + now
                            + ",v1="
                            + hex(hmac("HmacSHA256", "whsec_other".getBytes(), now + "." + body));
            default -> "t=" + now + ",v1=" + "0".repeat(64) + ",v0=" + "f".repeat(64);
        };
    }

    /** An {@code Authorization} value that must not let anyone in. */
    private static String bearerFor(Attack attack, String user) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = validClaims(user);
        byte[] key = TestJwts.SECRET.getBytes(StandardCharsets.UTF_8);
        return switch (attack) {
            case JWT_ALG_NONE -> "Bearer " + jwt("none", claims, null);
            case JWT_OTHER_ALGORITHM -> "Bearer " + jwt("HS512", claims, key);
            case JWT_RS256_HEADER_WITH_HMAC -> {
                String token = jwt("HS256", claims, key);
                String[] parts = token.split("\\.");
                yield "Bearer "
                        + b64(json(Map.of("alg", "RS256", "typ", "JWT")))
                        + "."
                        + parts[1]
                        + "."
                        + parts[2];
            }
            case JWT_TAMPERED_CLAIMS -> {
                String[] parts = jwt("HS256", claims, key).split("\\.");
                Map<String, Object> admin = new LinkedHashMap<>(claims);
                admin.put("sub", "someone_else");
                admin.put("roles", List.of("admin"));
                yield "Bearer " + parts[0] + "." + b64(json(admin)) + "." + parts[2];
            }
            case JWT_MISSING_EXP -> {
                Map<String, Object> without = new LinkedHashMap<>(claims);
                without.remove("exp");
                yield "Bearer " + jwt("HS256", without, key);
            }
            case JWT_MISSING_SUB -> {
                Map<String, Object> without = new LinkedHashMap<>(claims);
                without.remove("sub");
                yield "Bearer " + jwt("HS256", without, key);
            }
            case JWT_EXPIRED -> {
                Map<String, Object> expired = new LinkedHashMap<>(claims);
                expired.put("iat", now - 7_200);
                expired.put("exp", now - 3_600);
                yield "Bearer " + jwt("HS256", expired, key);
            }
            case JWT_FOREIGN_ISSUER -> {
                Map<String, Object> foreign = new LinkedHashMap<>(claims);
                foreign.put("iss", "https://evil.example/");
                yield "Bearer " + jwt("HS256", foreign, key);
            }
            case JWT_WRONG_AUDIENCE -> {
                Map<String, Object> other = new LinkedHashMap<>(claims);
                other.put("aud", "another-app");
                yield "Bearer " + jwt("HS256", other, key);
            }
            case JWT_WRONG_KEY ->
                    "Bearer "
                            + jwt(
                                    "HS256",
                                    claims,
                                    "another-secret-another-secret-0123456789".getBytes());
            case SERVICE_TOKEN_ALMOST -> "Bearer " + RunningSystem.METERING_TOKEN.substring(1);
            case SIGNATURE_HUNDREDS_OF_V1, SIGNATURE_REPLAYED_STALE ->
                    "Bearer " + "v1=".repeat(300);
            default -> RANDOM.nextBoolean() ? "Bearer " + UUID.randomUUID() : "Basic Zm9vOmJhcg==";
        };
    }

    static Map<String, Object> validClaims(String user) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", user);
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now - 60);
        claims.put("exp", now + 3_600);
        return claims;
    }

    /** A user JWT the system accepts: HS256 with the shared secret, its issuer and audience. */
    static String userJwt(String user) {
        String token =
                jwt("HS256", validClaims(user), TestJwts.SECRET.getBytes(StandardCharsets.UTF_8));
        sentCredentials.add(token);
        return token;
    }

    private static String jwt(String algorithm, Map<String, Object> claims, byte[] key) {
        String input = b64(json(Map.of("alg", algorithm, "typ", "JWT"))) + "." + b64(json(claims));
        if (key == null) {
            return input + ".";
        }
        String mac = algorithm.equals("HS512") ? "HmacSHA512" : "HmacSHA256";
        return input
                + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(mac, key, input));
    }

    private static byte[] hmac(String algorithm, byte[] key, String input) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(HostileRequest request) {
        return request.attack()
                + " "
                + request.endpoint().method()
                + " "
                + request.endpoint().service()
                + request.endpoint().path();
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    record RawResponse(int status, String body) {}

    /**
     * HTTP/1.1 written by hand: {@link java.net.http.HttpClient} refuses malformed headers, and
     * these requests are meant to be malformed.
     */
    static final class RawHttp {

        static RawResponse exchange(
                int port,
                String method,
                String path,
                List<String> headers,
                String contentType,
                byte[] body) {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            head.append("Connection: close\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                    if (body != null) {
                        out.write(body);
                    }
                    out.flush();
                } catch (IOException e) {
                    // The server may refuse and close before reading everything; read its answer.
                }
                InputStream in = socket.getInputStream();
                byte[] answer;
                try {
                    answer = in.readAllBytes();
                } catch (IOException e) {
                    answer = new byte[0];
                }
                String text = new String(answer, StandardCharsets.UTF_8);
                if (!text.startsWith("HTTP/1.1 ")) {
                    return new RawResponse(-1, text);
                }
                int status = Integer.parseInt(text.substring(9, 12));
                int bodyStart = text.indexOf("\r\n\r\n");
                return new RawResponse(status, bodyStart < 0 ? "" : text.substring(bodyStart + 4));
            } catch (IOException e) {
                return new RawResponse(-1, String.valueOf(e.getMessage()));
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Secret scan

    @Test
    @Order(6)
    void noLogLineOfAnyProcessHoldsASecretOrABearerToken() throws IOException {
        runs.incrementAndGet();
        Set<String> secrets = new HashSet<>();
        secrets.add(RunningSystem.WEBHOOK_SECRET);
        secrets.add(RunningSystem.METERING_TOKEN);
        secrets.add(TestJwts.SECRET);
        secrets.add("sk_test_e2e");
        RunningSystem.DATABASE_ROLES
                .values()
                .forEach(r -> secrets.add(RunningSystem.rolePassword(r)));
        // Tokens and signatures of at least 20 characters: shorter ones are not credentials.
        sentCredentials.stream().filter(c -> c.length() >= 20).forEach(secrets::add);
        LogSecretScan.Result result = LogSecretScan.scan(logs, secrets);
        figureNotes.put(
                "secret scan",
                result.lines()
                        + " log lines of "
                        + result.files()
                        + " files, "
                        + secrets.size()
                        + " secrets and tokens looked for, "
                        + result.hits().size()
                        + " found");
        assertThat(result.files()).as("logs to scan").isPositive();
        assertThat(result.hits()).as("secrets in the logs").isEmpty();
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    private static void assertTotals(Map<String, Long> expected) {
        Map<String, Long> metering = new HashMap<>();
        try {
            await().atMost(Duration.ofSeconds(180))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> {
                                for (Map.Entry<String, Long> user : expected.entrySet()) {
                                    HttpResponse<String> usage =
                                            http("usage-metering-service")
                                                    .get(
                                                            "/api/usage/" + user.getKey(),
                                                            RunningSystem.METERING_TOKEN);
                                    long used =
                                            JSON.readTree(usage.body()).get("tokens_used").asLong();
                                    metering.put(user.getKey(), used);
                                    assertThat(used)
                                            .as("metering " + user.getKey())
                                            .isEqualTo(user.getValue());
                                    assertThat(status(user.getKey()).get("tokens_used").asLong())
                                            .as("dashboard " + user.getKey())
                                            .isEqualTo(user.getValue());
                                }
                            });
        } finally {
            expected.forEach(
                    (user, tokens) -> {
                        long seen = metering.getOrDefault(user, 0L);
                        if (seen < tokens) {
                            lost.addAndGet(tokens - seen);
                        } else if (seen > tokens) {
                            doubled.addAndGet(seen - tokens);
                        }
                    });
        }
    }

    private static JsonNode status(String user) {
        HttpResponse<String> response =
                http("dashboard-api-service").get("/api/subscription/status", userJwt(user));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String notificationTier(String user) throws Exception {
        try (Connection connection = adminConnection();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT tier FROM notification.subscription_states WHERE user_id = '"
                                        + user
                                        + "'")) {
            return result.next() ? result.getString(1) : null;
        }
    }

    private static int notificationDeliveriesOf(String user, String kindPart) throws Exception {
        try (Connection connection = adminConnection();
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT count(*) FROM notification.deliveries WHERE user_id = '"
                                        + user
                                        + "' AND lower(kind) LIKE '%"
                                        + kindPart
                                        + "%'")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static Connection adminConnection() throws Exception {
        return DriverManager.getConnection(
                system.database().jdbcUrl(),
                system.database().username(),
                system.database().password());
    }

    private static void assertEveryServiceHealthy() {
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    assertThat(
                                                    http(service.name())
                                                            .get("/actuator/health")
                                                            .statusCode())
                                            .as(service.name())
                                            .isEqualTo(200));
        }
    }

    private static void subscribeToPro(String user) {
        StripeScript stripe = new StripeScript(user);
        Instant now = Instant.now();
        Instant start = now.minus(Duration.ofMinutes(5));
        deliverAccepted(stripe.checkoutCompleted(now.minusSeconds(30)));
        deliverAccepted(
                stripe.subscription(
                        "customer.subscription.created",
                        RunningSystem.PRICE_PRO,
                        "active",
                        start,
                        start.plus(Duration.ofDays(30)),
                        now.minusSeconds(20)));
        eventsSent.addAndGet(2);
    }

    /** Delivers a signed webhook, retrying as Stripe would until the ingress accepts it. */
    private static void deliverAccepted(StripeEvent event) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> deliver(event).statusCode() == 200);
    }

    private static HttpResponse<String> deliver(StripeEvent event) {
        StripeEvent.SignedDelivery delivery =
                event.signedWith(RunningSystem.WEBHOOK_SECRET, Instant.now());
        sentCredentials.add(delivery.signatureHeader());
        TestHttp ingress = http("webhook-ingress-service");
        return ingress.send(
                ingress.request("/api/subscription/webhook")
                        .header("Content-Type", "application/json")
                        .header("Stripe-Signature", delivery.signatureHeader())
                        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.bodyBytes()))
                        .build());
    }

    private static TestHttp http(String service) {
        return new TestHttp(system.port(service));
    }

    private static SessionCompleted session(String user, long tokens) {
        return SessionCompletedBuilder.anySession()
                .user(user)
                .completedAt(
                        Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MILLIS))
                .tokens(tokens)
                .build();
    }

    private static void produceSlowly(
            List<SessionCompleted> stream, AtomicInteger produced, int perSecond) {
        try (KafkaProducer<String, Object> producer = producer()) {
            int batch = Math.max(1, perSecond / 10);
            for (int i = 0; i < stream.size(); i++) {
                SessionCompleted session = stream.get(i);
                producer.send(
                        new ProducerRecord<>(
                                Topics.SESSION_COMPLETED.name(), session.getUserId(), session));
                if (i % batch == batch - 1) {
                    producer.flush();
                    produced.set(i + 1);
                    Thread.sleep(100);
                }
            }
            producer.flush();
            produced.set(stream.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(Topic<?> topic, String key, Object value) throws Exception {
        try (KafkaProducer<String, Object> producer = producer()) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, Object> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(
                config, new StringSerializer(), new AvroSingleObjectSerializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
