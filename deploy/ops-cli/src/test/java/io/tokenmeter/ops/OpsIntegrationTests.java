package io.tokenmeter.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpsIntegrationTests {

    static String bootstrap;

    @BeforeAll
    static void topics() {
        TestKafka.createCatalogueTopics();
        bootstrap = TestInfrastructure.kafkaBootstrapServers();
    }

    @Test
    void topicsCheckPassesOnTheCatalogueAndReportsDrift() throws Exception {
        assertThat(ops("topics", "check").status()).isEqualTo(Ops.OK);

        alterRetention(Topics.USAGE_THRESHOLD.name(), "1000");
        try {
            Result drift = ops("topics", "check");
            assertThat(drift.status()).isEqualTo(Ops.REFUSED);
            assertThat(drift.output())
                    .contains(
                            "DRIFT billing.usage-threshold.v1: retention.ms=1000, catalogue says");
        } finally {
            alterRetention(
                    Topics.USAGE_THRESHOLD.name(),
                    Topics.USAGE_THRESHOLD.configs().get("retention.ms"));
        }
    }

    @Test
    void listsShowsAndRedrivesADeadLetterToItsSourceTopic() throws Exception {
        byte[] value = "not avro at all".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterTool.ORIGINAL_TOPIC, "grading.session-completed.v1".getBytes());
        headers.add(DeadLetterTool.ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(3).array());
        headers.add(DeadLetterTool.ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(41L).array());
        headers.add(DeadLetterTool.EXCEPTION_CLASS, "io.tokenmeter.Boom".getBytes());
        headers.add(DeadLetterTool.EXCEPTION_MESSAGE, "negative prompt_tokens".getBytes());
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(
                            new ProducerRecord<>(
                                    "grading.session-completed.v1.DLT",
                                    2,
                                    "u_dlt".getBytes(),
                                    value,
                                    headers))
                    .get(30, TimeUnit.SECONDS);
        }

        Result list = ops("dlt", "list", "--topic", "grading.session-completed.v1");
        assertThat(list.output())
                .contains("key=u_dlt from=grading.session-completed.v1-3@41")
                .contains("failure=io.tokenmeter.Boom: negative prompt_tokens");
        long offset = deadLetters().get(0).offset();

        Result show =
                ops(
                        "dlt",
                        "show",
                        "--topic",
                        "grading.session-completed.v1.DLT",
                        "--partition",
                        "2",
                        "--offset",
                        String.valueOf(offset));
        assertThat(show.output())
                .contains("kafka_dlt-original-offset: 41")
                .contains("not decodable");

        Result redrive =
                ops(
                        "dlt",
                        "redrive",
                        "--topic",
                        "grading.session-completed.v1",
                        "--partition",
                        "2",
                        "--offset",
                        String.valueOf(offset));
        assertThat(redrive.status()).isEqualTo(Ops.OK);
        List<ConsumerRecord<String, byte[]>> source =
                TestKafka.readAllRaw("grading.session-completed.v1");
        assertThat(source)
                .anySatisfy(
                        record -> {
                            assertThat(record.key()).isEqualTo("u_dlt");
                            assertThat(record.value()).isEqualTo(value);
                            assertThat(record.headers().lastHeader(DeadLetterTool.REDRIVEN_FROM))
                                    .isNotNull();
                        });
    }

    @Test
    void redrivesOnlyToTheSourceTopicOfTheCatalogueWhateverTheHeadersSay() throws Exception {
        String key = "u_forged_" + System.nanoTime();
        RecordHeaders headers = new RecordHeaders();
        headers.add(
                DeadLetterTool.ORIGINAL_TOPIC,
                Topics.STRIPE_WEBHOOK_EVENTS.name().getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap)) {
            producer.send(
                            new ProducerRecord<>(
                                    Topics.USAGE_STATE.deadLetterTopic(),
                                    null,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    "forged".getBytes(StandardCharsets.UTF_8),
                                    headers))
                    .get(30, TimeUnit.SECONDS);
        }

        Result redrive = ops("dlt", "redrive", "--topic", Topics.USAGE_STATE.name(), "--all");

        assertThat(redrive.status()).isEqualTo(Ops.OK);
        assertThat(redrive.output()).contains("to " + Topics.USAGE_STATE.name());
        assertThat(TestKafka.readAllRaw(Topics.USAGE_STATE.name()))
                .anySatisfy(record -> assertThat(record.key()).isEqualTo(key));
        assertThat(TestKafka.readAllRaw(Topics.STRIPE_WEBHOOK_EVENTS.name()))
                .noneSatisfy(record -> assertThat(record.key()).isEqualTo(key));
        assertThat(ops("dlt", "redrive", "--topic", "not.in.the.catalogue", "--all").status())
                .isEqualTo(Ops.REFUSED);
    }

    @Test
    void replayRefusesWhileTheGroupHasLiveMembers() {
        try (KafkaConsumer<byte[], byte[]> member = member("dashboard-api-service")) {
            Result refused =
                    ops("replay", "--service", "dashboard-api-service", "--from", "earliest");

            assertThat(refused.status()).isEqualTo(Ops.REFUSED);
            assertThat(refused.output()).contains("has 1 live member(s)");
        }
    }

    @Test
    void replayFromEarliestRewindsTheGroupAndDropsTheDerivedState() throws Exception {
        SessionCompleted session =
                SessionCompletedBuilder.anySession().user("u_replay").tokens(10).build();
        TestKafka.send(Topics.SESSION_COMPLETED, "u_replay", session);
        try (KafkaConsumer<byte[], byte[]> member = member("usage-metering-service")) {
            // Consume everything and commit, as the running service would have.
            member.poll(Duration.ofSeconds(2));
            member.commitSync();
        }
        TestDatabase database = TestInfrastructure.createDatabase(OpsIntegrationTests.class);
        execute(
                database,
                "CREATE SCHEMA metering; CREATE TABLE metering.derived (id serial PRIMARY KEY);"
                        + " CREATE SEQUENCE metering.alone; CREATE VIEW metering.seen AS"
                        + " SELECT id FROM metering.derived");

        Result replay =
                ops(
                        Map.of(
                                "DATABASE_URL", database.jdbcUrl(),
                                "DATABASE_USER", database.username(),
                                "DATABASE_PASSWORD", database.password()),
                        "replay",
                        "--service",
                        "usage-metering-service",
                        "--from",
                        "earliest");

        assertThat(replay.status()).as(replay.output()).isEqualTo(Ops.OK);
        assertThat(committed("usage-metering-service", Topics.SESSION_COMPLETED.name()))
                .allSatisfy((partition, offset) -> assertThat(offset).isZero());
        // Emptied, not dropped: the service's role owns it and may not create it again.
        assertThat(schemaExists(database, "metering")).isTrue();
        assertThat(relationsIn(database, "metering")).isZero();
    }

    @Test
    void replayFromAnInstantKeepsStateAndRewindsToThatTime() throws Exception {
        Instant before = Instant.now();
        TestKafka.send(Topics.STRIPE_WEBHOOK_EVENTS.name(), "cus_replay", "raw".getBytes());
        try (KafkaConsumer<byte[], byte[]> member = member("subscription-service")) {
            member.poll(Duration.ofSeconds(2));
            member.commitSync();
        }

        Result replay =
                ops(
                        "replay",
                        "--service",
                        "subscription-service",
                        "--from",
                        before.minusSeconds(1).toString());

        assertThat(replay.status()).as(replay.output()).isEqualTo(Ops.OK);
        ConsumerRecord<String, byte[]> sent =
                TestKafka.readAllRaw(Topics.STRIPE_WEBHOOK_EVENTS.name()).stream()
                        .filter(record -> "cus_replay".equals(record.key()))
                        .findFirst()
                        .orElseThrow();
        assertThat(committed("subscription-service", Topics.STRIPE_WEBHOOK_EVENTS.name()))
                .containsEntry(sent.partition(), sent.offset());
    }

    @Test
    void refusesToReplayTheIngressAndExplainsUsage() {
        assertThat(
                        ops("replay", "--service", "webhook-ingress-service", "--from", "earliest")
                                .status())
                .isEqualTo(Ops.USAGE);
        assertThat(
                        ops("replay", "--service", "subscription-service", "--from", "yesterday")
                                .output())
                .contains("ISO-8601");
        Result unknown = ops("frobnicate");
        assertThat(unknown.status()).isEqualTo(Ops.USAGE);
        assertThat(unknown.output()).contains("Unmatched argument at index 0: 'frobnicate'");
        Result nothing = ops();
        assertThat(nothing.status()).isEqualTo(Ops.USAGE);
        assertThat(nothing.output()).contains("Usage: ops");
        Result incomplete = ops("dlt", "show", "--topic", "t");
        assertThat(incomplete.status()).isEqualTo(Ops.USAGE);
        assertThat(incomplete.output()).contains("Missing required options");
        assertThat(ops("dlt", "redrive", "--topic", "t").output())
                .contains("Missing required argument");
    }

    @Test
    void describesEveryCommandAndPrintsACompletionScript() {
        Result help = ops("--help");
        assertThat(help.status()).isEqualTo(Ops.OK);
        assertThat(help.output()).contains("topics").contains("dlt").contains("replay");
        assertThat(ops("replay", "--help").output()).contains("--service").contains("--from");
        assertThat(ops("generate-completion").output()).contains("complete -F");
    }

    private record Result(int status, String output) {}

    private static Result ops(String... args) {
        return ops(Map.of(), args);
    }

    private static Result ops(Map<String, String> environment, String... args) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        java.util.Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        int status =
                Ops.run(List.of(args), env, new PrintStream(buffer, true, StandardCharsets.UTF_8));
        return new Result(status, buffer.toString(StandardCharsets.UTF_8));
    }

    private static KafkaConsumer<byte[], byte[]> member(String group) {
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrap,
                                ConsumerConfig.GROUP_ID_CONFIG,
                                group,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
        ReplayableService service = ReplayableService.named(group).orElseThrow();
        consumer.subscribe(service.inputs().stream().map(t -> t.name()).toList());
        long deadline = System.currentTimeMillis() + 20_000;
        while (consumer.assignment().isEmpty() && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        return consumer;
    }

    private static Map<Integer, Long> committed(String group, String topic) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS);
            Map<Integer, Long> result = new java.util.TreeMap<>();
            offsets.forEach(
                    (tp, offset) -> {
                        if (tp.topic().equals(topic)) {
                            result.put(tp.partition(), offset.offset());
                        }
                    });
            return result;
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return KafkaClients.readAll(bootstrap, "grading.session-completed.v1.DLT");
    }

    private static void alterRetention(String topic, String value) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(
                            Map.of(
                                    resource,
                                    List.of(
                                            new AlterConfigOp(
                                                    new ConfigEntry("retention.ms", value),
                                                    AlterConfigOp.OpType.SET))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static void execute(TestDatabase database, String sql) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int relationsIn(TestDatabase database, String schema) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                                        + " ON n.oid = c.relnamespace WHERE n.nspname = '"
                                        + schema
                                        + "'")) {
            result.next();
            return result.getInt(1);
        }
    }

    private static boolean schemaExists(TestDatabase database, String schema) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(
                                database.jdbcUrl(), database.username(), database.password());
                Statement statement = connection.createStatement();
                ResultSet result =
                        statement.executeQuery(
                                "SELECT 1 FROM information_schema.schemata WHERE schema_name = '"
                                        + schema
                                        + "'")) {
            return result.next();
        }
    }
}
