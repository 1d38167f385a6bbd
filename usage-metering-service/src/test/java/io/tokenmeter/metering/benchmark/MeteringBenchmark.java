package io.tokenmeter.metering.benchmark;

import io.tokenmeter.events.PhaseUsage;
import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.metering.UsageMeteringApplication;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * End-to-end metering throughput and latency on the real broker and PostgreSQL (not run by {@code
 * verify}; see docs/benchmarks/usage-metering-service.md for the command).
 *
 * <ol>
 *   <li>Naive baseline: a plain consumer committing one database transaction and one offset per
 *       record, on {@code NAIVE_N} pre-loaded sessions.
 *   <li>The service: {@code N} pre-loaded sessions (10k users, 2% duplicates), timed from the
 *       application's start until every user's total is committed in PostgreSQL.
 *   <li>Latency: publish → {@code UsageState} visible on Kafka, at a steady {@code RATE} events/s.
 * </ol>
 */
public final class MeteringBenchmark {

    static final int N = Integer.getInteger("bench.n", 1_000_000);
    static final int NAIVE_N = Integer.getInteger("bench.naive.n", 20_000);
    static final int USERS = Integer.getInteger("bench.users", 10_000);
    static final double DUPLICATES = 0.02;
    static final int RATE = Integer.getInteger("bench.rate", 10_000);
    static final int LATENCY_SECONDS = Integer.getInteger("bench.latency.seconds", 30);
    static final String CONCURRENCY = System.getProperty("bench.concurrency", "2");
    static final String MAX_POLL = System.getProperty("bench.max-poll-records", "10000");
    static final Instant BASE = Instant.parse("2026-11-01T00:00:00Z");
    static final String[] MODELS = {
        "gpt-4o", "gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash"
    };

    static final AvroSingleObjectSerializer SERIALIZER = new AvroSingleObjectSerializer();

    public static void main(String[] args) throws Exception {
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        TestKafka.createCatalogueTopics();
        System.out.printf(
                "machine: %d cores, load average %s%n",
                Runtime.getRuntime().availableProcessors(),
                new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")))
                        .trim());

        double naiveRate = naive(bootstrap);

        TestDatabase database = TestInfrastructure.createDatabase(MeteringBenchmark.class);
        Expected expected = preload(bootstrap, Topics.SESSION_COMPLETED.name(), "b", N);
        System.out.printf("pre-loaded %,d records (%,d unique sessions)%n", N, expected.unique);

        long start = System.nanoTime();
        ConfigurableApplicationContext app = startService(bootstrap, database);
        long started = System.nanoTime();
        try (Connection db = connect(database)) {
            while (tokenSum(db) < expected.tokens) {
                Thread.sleep(20);
            }
            long done = System.nanoTime();
            verify(db, expected);
            double seconds = (done - start) / 1e9;
            double afterStart = (done - started) / 1e9;
            double rate = N / seconds;
            System.out.printf(
                    "service: %,d records in %.2f s from application start (%.2f s after it was"
                            + " ready) = %,.0f events/s end to end%n",
                    N, seconds, afterStart, rate);
            System.out.printf("ratio service / naive: %.1fx%n", rate / naiveRate);
            verifySessionCosts(bootstrap, expected);

            latency(bootstrap);
        } finally {
            app.close();
        }
        ledgerCeiling();
        System.exit(0);
    }

    /**
     * The floor under any design that dedupes with a per-session ledger in PostgreSQL: the same
     * {@code unnest} insert the service runs, alone — no totals, no outbox, no Kafka, no pricing —
     * {@code N} rows in transactions of 10,000 on two connections (the service's concurrency), into
     * a fresh metering schema. The service cannot be faster than this on the same machine.
     */
    static void ledgerCeiling() throws Exception {
        TestDatabase database = TestInfrastructure.createDatabase(LedgerCeiling.class);
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .schemas("metering")
                .load()
                .migrate();
        int batch = 10_000;
        int batches = N / batch;
        List<Object[][]> prepared = new ArrayList<>();
        Random random = new Random(7);
        for (int b = 0; b < batches; b++) {
            String[] ids = new String[batch];
            String[] users = new String[batch];
            Long[] completed = new Long[batch];
            Long[] tokens = new Long[batch];
            for (int i = 0; i < batch; i++) {
                ids[i] = UUID.randomUUID().toString();
                users[i] = "u" + random.nextInt(USERS);
                completed[i] = BASE.toEpochMilli() + random.nextInt(86_400_000);
                tokens[i] = 1_000L + random.nextInt(20_000);
            }
            prepared.add(new Object[][] {ids, users, completed, tokens});
        }
        String insert =
                "insert into session_ledger (session_id, user_id, completed_at, tokens)"
                        + " select s, u, timestamptz 'epoch' + m * interval '1 millisecond', t"
                        + " from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[])"
                        + " as x(s, u, m, t) on conflict (session_id) do nothing"
                        + " returning session_id";
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int first = t;
            Thread thread =
                    new Thread(
                            () -> {
                                try (Connection db = connect(database)) {
                                    db.setAutoCommit(false);
                                    try (PreparedStatement statement =
                                            db.prepareStatement(insert)) {
                                        for (int b = first; b < batches; b += 2) {
                                            Object[][] rows = prepared.get(b);
                                            statement.setArray(
                                                    1, db.createArrayOf("text", rows[0]));
                                            statement.setArray(
                                                    2, db.createArrayOf("text", rows[1]));
                                            statement.setArray(
                                                    3, db.createArrayOf("bigint", rows[2]));
                                            statement.setArray(
                                                    4, db.createArrayOf("bigint", rows[3]));
                                            try (ResultSet rs = statement.executeQuery()) {
                                                while (rs.next()) {
                                                    rs.getString(1);
                                                }
                                            }
                                            db.commit();
                                        }
                                    }
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "PostgreSQL alone, ledger rows only (no totals, no outbox, no Kafka): %,d rows in"
                        + " %.2f s = %,.0f rows/s: the ceiling of a per-session ledger here%n",
                batches * batch, seconds, batches * batch / seconds);
    }

    /** Names the ceiling's database. */
    private static final class LedgerCeiling {}

    static ConfigurableApplicationContext startService(String bootstrap, TestDatabase database) {
        return new SpringApplicationBuilder(UsageMeteringApplication.class)
                .run(
                        "--spring.kafka.bootstrap-servers=" + bootstrap,
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.username(),
                        "--spring.datasource.password=" + database.password(),
                        "--spring.kafka.consumer.group-id=bench-" + UUID.randomUUID(),
                        "--server.port=0",
                        "--tokenmeter.metering.api-token=bench",
                        "--tokenmeter.metering.consumer.concurrency=" + CONCURRENCY,
                        "--tokenmeter.metering.consumer.max-poll-records=" + MAX_POLL,
                        "--logging.level.org.apache.kafka=WARN");
    }

    // --- workload

    record Expected(int unique, long tokens, Map<String, Long> perUser) {}

    static SessionCompleted session(String prefix, int k) {
        int phases = 1 + k % 3;
        List<PhaseUsage> usage = new ArrayList<>(phases);
        for (int p = 0; p < phases; p++) {
            usage.add(
                    new PhaseUsage(
                            "phase-" + p,
                            MODELS[(k + p) % MODELS.length],
                            200L + (k * 7L + p) % 800,
                            (k * 3L + p) % 300,
                            50L + (k * 11L + p) % 400));
        }
        return new SessionCompleted(prefix + "-s" + k, user(prefix, k), BASE.plusMillis(k), usage);
    }

    static String user(String prefix, int k) {
        return prefix + "-u" + (k % USERS);
    }

    static long tokens(SessionCompleted session) {
        return session.getPhases().stream()
                .mapToLong(p -> p.getPromptTokens() + p.getCachedTokens() + p.getCompletionTokens())
                .sum();
    }

    /** Produces {@code n} records: fresh sessions, and 2% re-sends of earlier ones. */
    static Expected preload(String bootstrap, String topic, String prefix, int n) throws Exception {
        Random random = new Random(42);
        BitSet seen = new BitSet();
        Map<String, Long> perUser = new HashMap<>();
        long tokens = 0;
        int next = 0;
        try (KafkaProducer<String, byte[]> producer = fastProducer(bootstrap)) {
            for (int i = 0; i < n; i++) {
                int k =
                        next > 0 && random.nextDouble() < DUPLICATES
                                ? random.nextInt(next)
                                : next++;
                SessionCompleted session = session(prefix, k);
                if (!seen.get(k)) {
                    seen.set(k);
                    tokens += tokens(session);
                    perUser.merge(session.getUserId(), tokens(session), Long::sum);
                }
                producer.send(
                        new ProducerRecord<>(
                                topic, session.getUserId(), SERIALIZER.serialize(topic, session)));
            }
            producer.flush();
        }
        return new Expected(seen.cardinality(), tokens, perUser);
    }

    static KafkaProducer<String, byte[]> fastProducer(String bootstrap) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    // --- checks

    static Connection connect(TestDatabase database) throws Exception {
        Connection connection =
                DriverManager.getConnection(
                        database.jdbcUrl(), database.username(), database.password());
        try (Statement statement = connection.createStatement()) {
            statement.execute("set search_path to metering");
        }
        return connection;
    }

    static long tokenSum(Connection db) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rs =
                        statement.executeQuery(
                                "select coalesce(sum(tokens), 0) from usage_total")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void verify(Connection db, Expected expected) throws Exception {
        long ledger = count(db, "select count(*) from session_ledger");
        Map<String, Long> totals = new HashMap<>();
        try (Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("select user_id, tokens from usage_total")) {
            while (rs.next()) {
                totals.put(rs.getString(1), rs.getLong(2));
            }
        }
        if (ledger != expected.unique || !totals.equals(expected.perUser)) {
            throw new IllegalStateException(
                    "exactly-once violated: ledger "
                            + ledger
                            + " vs "
                            + expected.unique
                            + ", per-user totals equal: "
                            + totals.equals(expected.perUser));
        }
        System.out.printf(
                "verified: %,d sessions counted once, %,d users' totals exact%n",
                ledger, totals.size());
    }

    /** Every counted session has exactly one SessionCost on Kafka (read_committed). */
    static void verifySessionCosts(String bootstrap, Expected expected) {
        int[] records = {0};
        java.util.Set<String> sessions = new java.util.HashSet<>();
        AvroSingleObjectDeserializer deserializer = new AvroSingleObjectDeserializer();
        TestKafka.forEachRecord(
                bootstrap,
                Topics.SESSION_COST.name(),
                record -> {
                    if (record.key().startsWith("b-")) {
                        records[0]++;
                        sessions.add(
                                ((io.tokenmeter.events.SessionCost)
                                                deserializer.deserialize(
                                                        record.topic(), record.value()))
                                        .getSessionId());
                    }
                });
        System.out.printf(
                "SessionCost on Kafka: %,d records, %,d distinct sessions (expected %,d)%n",
                records[0], sessions.size(), expected.unique);
        if (records[0] != expected.unique || sessions.size() != expected.unique) {
            throw new IllegalStateException("SessionCost not exactly once on Kafka");
        }
    }

    // --- naive baseline

    /** One transaction and one offset commit per record: what a straightforward listener does. */
    static double naive(String bootstrap) throws Exception {
        TestDatabase database = TestInfrastructure.createDatabase(NaiveMeter.class);
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .schemas("metering")
                .load()
                .migrate();
        String topic = "bench.naive.session-completed." + UUID.randomUUID();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        Expected expected = preload(bootstrap, topic, "n", NAIVE_N);
        long start = System.nanoTime();
        new NaiveMeter(bootstrap, topic, database).run(NAIVE_N);
        double seconds = (System.nanoTime() - start) / 1e9;
        try (Connection db = connect(database)) {
            verify(db, expected);
        }
        double rate = NAIVE_N / seconds;
        System.out.printf(
                "naive baseline: %,d records in %.2f s = %,.0f events/s%n", NAIVE_N, seconds, rate);
        return rate;
    }

    static final class NaiveMeter {
        private final String bootstrap;
        private final String topic;
        private final TestDatabase database;

        NaiveMeter(String bootstrap, String topic, TestDatabase database) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.database = database;
        }

        void run(int records) throws Exception {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "naive-" + UUID.randomUUID());
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            AvroSingleObjectDeserializer deserializer = new AvroSingleObjectDeserializer();
            int seen = 0;
            try (KafkaConsumer<String, byte[]> consumer =
                            new KafkaConsumer<>(
                                    config, new StringDeserializer(), new ByteArrayDeserializer());
                    Connection db = connect(database)) {
                db.setAutoCommit(false);
                consumer.subscribe(List.of(topic));
                PreparedStatement ledger =
                        db.prepareStatement(
                                "insert into session_ledger values (?, ?, ?, ?) on conflict do nothing");
                PreparedStatement total =
                        db.prepareStatement(
                                "insert into usage_total values (?, '-infinity', 'FREE', ?) on conflict"
                                        + " (user_id, period_start) do update set tokens ="
                                        + " usage_total.tokens + excluded.tokens");
                // The naive way to announce: a row per session in an outbox of its own.
                db.createStatement()
                        .execute(
                                "create table if not exists naive_outbox (id bigserial primary key,"
                                        + " topic text not null, message_key text not null,"
                                        + " payload bytea not null)");
                PreparedStatement outbox =
                        db.prepareStatement(
                                "insert into naive_outbox (topic, message_key, payload)"
                                        + " values (?, ?, ?)");
                while (seen < records) {
                    for (ConsumerRecord<String, byte[]> record :
                            consumer.poll(Duration.ofMillis(100))) {
                        SessionCompleted session =
                                (SessionCompleted) deserializer.deserialize(topic, record.value());
                        long tokens = tokens(session);
                        ledger.setString(1, session.getSessionId());
                        ledger.setString(2, session.getUserId());
                        ledger.setObject(
                                3,
                                java.time.OffsetDateTime.ofInstant(
                                        session.getCompletedAt(), java.time.ZoneOffset.UTC));
                        ledger.setLong(4, tokens);
                        if (ledger.executeUpdate() == 1) {
                            total.setString(1, session.getUserId());
                            total.setLong(2, tokens);
                            total.executeUpdate();
                            outbox.setString(1, Topics.SESSION_COST.name());
                            outbox.setString(2, session.getUserId());
                            outbox.setBytes(3, record.value());
                            outbox.executeUpdate();
                        }
                        db.commit();
                        consumer.commitSync(
                                Map.of(
                                        new TopicPartition(record.topic(), record.partition()),
                                        new OffsetAndMetadata(record.offset() + 1)));
                        seen++;
                    }
                }
            }
        }
    }

    // --- latency

    /**
     * Publishes at a steady rate to fresh users and times each session until a UsageState covers
     * it.
     */
    static void latency(String bootstrap) throws Exception {
        Map<String, ArrayDeque<long[]>> pending = new ConcurrentHashMap<>();
        long[] latencies = new long[RATE * LATENCY_SECONDS];
        // The worst latency per second of publishing: flat means the service keeps up, a ramp
        // means it falls behind.
        long[] worstBySecond = new long[LATENCY_SECONDS + 1];
        long[] begin = {Long.MAX_VALUE};
        int[] measured = {0};
        AtomicBoolean reading = new AtomicBoolean(true);
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-" + UUID.randomUUID());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.USAGE_STATE.name())
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread reader =
                new Thread(
                        () -> {
                            AvroSingleObjectDeserializer deserializer =
                                    new AvroSingleObjectDeserializer();
                            while (reading.get()) {
                                for (ConsumerRecord<String, byte[]> record :
                                        consumer.poll(Duration.ofMillis(50))) {
                                    long now = System.nanoTime();
                                    UsageState state =
                                            (UsageState)
                                                    deserializer.deserialize(
                                                            record.topic(), record.value());
                                    ArrayDeque<long[]> queue = pending.get(state.getUserId());
                                    if (queue == null) {
                                        continue;
                                    }
                                    synchronized (queue) {
                                        while (!queue.isEmpty()
                                                && queue.peekFirst()[0] <= state.getTokensUsed()) {
                                            long[] sent = queue.pollFirst();
                                            synchronized (latencies) {
                                                latencies[measured[0]++] = now - sent[1];
                                                int second =
                                                        (int)
                                                                Math.min(
                                                                        LATENCY_SECONDS,
                                                                        Math.max(
                                                                                0,
                                                                                (sent[1] - begin[0])
                                                                                        / 1_000_000_000L));
                                                worstBySecond[second] =
                                                        Math.max(
                                                                worstBySecond[second],
                                                                now - sent[1]);
                                            }
                                        }
                                    }
                                }
                            }
                            consumer.close();
                        },
                        "latency-reader");
        reader.start();

        Map<String, Long> cumulative = new HashMap<>();
        int total = RATE * LATENCY_SECONDS;
        long intervalNanos = 1_000_000_000L / RATE;
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            synchronized (latencies) {
                begin[0] = System.nanoTime();
            }
            for (int k = 0; k < total; k++) {
                long due = begin[0] + k * intervalNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                SessionCompleted session = session("lat", k);
                long after = cumulative.merge(session.getUserId(), tokens(session), Long::sum);
                ArrayDeque<long[]> queue =
                        pending.computeIfAbsent(session.getUserId(), u -> new ArrayDeque<>());
                byte[] value = SERIALIZER.serialize(Topics.SESSION_COMPLETED.name(), session);
                synchronized (queue) {
                    queue.addLast(new long[] {after, System.nanoTime()});
                }
                producer.send(
                        new ProducerRecord<>(
                                Topics.SESSION_COMPLETED.name(), session.getUserId(), value));
            }
            producer.flush();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (latencies) {
                if (measured[0] >= total) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        reading.set(false);
        reader.join();
        long[] sorted;
        synchronized (latencies) {
            sorted = Arrays.copyOf(latencies, measured[0]);
        }
        Arrays.sort(sorted);
        System.out.printf(
                "latency publish -> UsageState at %,d events/s for %d s: %,d of %,d measured;"
                        + " p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                RATE,
                LATENCY_SECONDS,
                sorted.length,
                total,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                percentile(sorted, 0.999),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        StringBuilder timeline = new StringBuilder("worst latency by second of publishing (ms):");
        synchronized (latencies) {
            for (int second = 0; second < LATENCY_SECONDS; second++) {
                timeline.append(' ').append(worstBySecond[second] / 1_000_000);
            }
        }
        System.out.println(timeline);
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private MeteringBenchmark() {}
}
