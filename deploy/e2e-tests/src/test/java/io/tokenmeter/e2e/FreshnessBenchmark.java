package io.tokenmeter.e2e;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.localstack.ServiceProcess;
import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.testsupport.KeepAliveHttpClient;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * End-to-end freshness: a {@code SessionCompleted} published to {@code
 * grading.session-completed.v1} until {@code GET /api/subscription/status} shows its tokens —
 * through usage-metering-service (batch listener, PostgreSQL, its Kafka transaction), {@code
 * billing.usage-state.v1} and dashboard-api-service (read model, cache eviction). Not a test
 * (surefire's includes do not match {@code *Benchmark}); run it with
 *
 * <pre>
 * ./mvnw -B -o -pl deploy/e2e-tests verify -Dtest=FreshnessBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It starts its own system (the four jars, the test JVM's broker, a fresh database). Probes
 * first run on the idle, just-started system (cold JIT), then while a paced producer publishes
 * {@code bench.rate} sessions a second for {@code bench.users} other users: from the warm-up's
 * start, counting only the probes sent in the window; and once more on the idle system after the
 * load has drained (warm JIT: what an idle production system answers). A probe reads its user's
 * status, publishes one session with known tokens for that user and polls the status with {@code
 * If-None-Match} every {@value #POLL_MILLIS} ms until the new total shows; latency = the moment
 * before {@code send()} → the first answer showing it. A read_committed consumer of {@code
 * billing.usage-state.v1} in this JVM times when each probe's {@code UsageState} became visible,
 * which splits the latency into metering's share and the dashboard's.
 *
 * <p>Knobs (system properties): {@code bench.rate} (10000), {@code bench.warmup} (60 s), {@code
 * bench.seconds} (30), {@code bench.users} (10000), {@code bench.probes} (4 threads), {@code
 * bench.idle.probes} (200), {@code bench.observe} (true; false leaves out the usage-state observer
 * and with it the breakdown).
 */
class FreshnessBenchmark {

    static final int RATE = Integer.getInteger("bench.rate", 10_000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 60);
    static final int SECONDS = Integer.getInteger("bench.seconds", 30);
    static final int BACKGROUND_USERS = Integer.getInteger("bench.users", 10_000);
    static final int PROBE_THREADS = Integer.getInteger("bench.probes", 4);
    static final int IDLE_PROBES = Integer.getInteger("bench.idle.probes", 200);
    static final boolean OBSERVE = !"false".equals(System.getProperty("bench.observe"));
    static final int USERS_PER_PROBE_THREAD = 20;
    static final int POLL_MILLIS = 5;
    static final Duration GIVE_UP = Duration.ofSeconds(60);
    static final Duration REPORT_EVERY = Duration.ofSeconds(5);

    /**
     * Every service's {@code /actuator/prometheus} is read this often from the start, as a
     * Prometheus server would. Without it the window's first read was each service's first ever
     * scrape: cold code building every meter's output, a stall at t = 45 s in every run.
     */
    static final Duration SCRAPE_EVERY = Duration.ofSeconds(15);

    static final String METERING_GROUP = "usage-metering-service";
    static final String DASHBOARD_GROUP = "dashboard-api-service";

    /** Each probe session: two phases, {@value #PROBE_TOKENS} tokens in all. */
    static final long PROBE_TOKENS = 1_200 + 300 + 400 + 500 + 150;

    final String run = UUID.randomUUID().toString().substring(0, 6);

    @Test
    void measure() throws Exception {
        System.out.println("load average at start: " + loadAverage());
        try (RunningSystem system =
                        RunningSystem.start(FreshnessBenchmark.class, ServiceProcess.JVM_OPTIONS);
                Admin admin = Admin.create(adminConfig());
                KafkaProducer<String, Object> probeProducer = producer("bench-probes", 0)) {
            String database = system.database().jdbcUrl().replaceFirst("^.*/([^/?]+).*$", "$1");
            Thread scraping =
                    new Thread(() -> Metrics.scrapeEvery(SCRAPE_EVERY, system), "scraper");
            scraping.setDaemon(true);
            scraping.start();
            Observer observer = new Observer();
            Thread observing = new Thread(observer, "usage-state-observer");
            if (OBSERVE) {
                observing.start();
                if (!observer.positioned.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the usage-state observer did not start");
                }
            }
            List<Prober> probers = new ArrayList<>();
            for (int i = 0; i < PROBE_THREADS; i++) {
                probers.add(
                        new Prober(
                                i, system.port("dashboard-api-service"), probeProducer, observer));
            }
            // Unmeasured: first status per user, first sessions through every code path.
            runProbes(probers, 5, Long.MAX_VALUE);
            List<Sample> idle =
                    runProbes(
                            probers,
                            (IDLE_PROBES + PROBE_THREADS - 1) / PROBE_THREADS,
                            Long.MAX_VALUE);

            Background background = new Background();
            Thread producing = new Thread(background, "background-sessions");
            producing.start();
            long started = System.nanoTime();
            System.out.printf(
                    Locale.ROOT,
                    "background: %,d sessions/s for %,d users; warm-up %d s, then %d s measured%n",
                    RATE,
                    BACKGROUND_USERS,
                    WARMUP,
                    SECONDS);
            // The probes run through the warm-up too, so that the window sees them in steady state:
            // started at the window's first second, they set off a burst in the dashboard (new
            // polling traffic on a saturated machine) that the window would measure instead.
            long windowStart = started + seconds(WARMUP);
            long windowEnd = windowStart + seconds(SECONDS);
            CompletableFuture<List<Sample>> probing =
                    CompletableFuture.supplyAsync(
                            () -> runProbes(probers, Integer.MAX_VALUE, windowEnd));
            report(admin, background, started, windowStart);

            long ackedAtStart = background.acked.get();
            Map<String, Long> cpuAtStart = Cpu.snapshot(database);
            Map<String, Long> threadsAtStart = Cpu.threads();
            Metrics metricsAtStart = Metrics.scrape(system);
            report(admin, background, started, windowEnd);
            double window = (System.nanoTime() - windowStart) / 1e9;
            double achieved = (background.acked.get() - ackedAtStart) / window;
            Map<String, Long> cpuAtEnd = Cpu.snapshot(database);
            Map<String, Long> threadsAtEnd = Cpu.threads();
            Metrics metricsAtEnd = Metrics.scrape(system);
            Lag lagAtEnd = Lag.read(admin);
            // In-flight probes finish under the same load, then the load stops.
            List<Sample> loaded =
                    probing.get().stream()
                            .filter(sample -> sample.sentNanos() >= windowStart)
                            .toList();
            background.stop.set(true);
            producing.join();
            Duration drained = awaitDrained(admin);
            // The idle system again, now with the JIT warm: the first idle run measures code that
            // has served only the unmeasured probes, the second what an idle production system
            // does.
            Thread.sleep(2_000);
            List<Sample> idleAfter =
                    runProbes(
                            probers,
                            (IDLE_PROBES + PROBE_THREADS - 1) / PROBE_THREADS,
                            Long.MAX_VALUE);
            Thread.sleep(500); // the observer's last records
            observer.stop.set(true);
            observing.join();

            print(idle, idleAfter, loaded, achieved, window, background, lagAtEnd, drained);
            if (OBSERVE) {
                printBreakdown("idle, cold", idle, observer);
                printBreakdown("under load", loaded, observer);
                printBreakdown("idle, warm", idleAfter, observer);
            }
            metricsAtEnd.minus(metricsAtStart).print(window);
            printCpu("CPU during the window (cores):", cpuAtStart, cpuAtEnd, window);
            printCpu("  of which the test JVM's threads:", threadsAtStart, threadsAtEnd, window);
            System.out.println("load average at end: " + loadAverage());
        }
    }

    /**
     * Runs up to {@code perThread} probes on every prober at once, starting none after {@code
     * until} (nanoTime); fails if any prober failed.
     */
    private static List<Sample> runProbes(List<Prober> probers, int perThread, long until) {
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (Prober prober : probers) {
            Thread thread =
                    new Thread(
                            () -> samples.addAll(prober.probe(perThread, until)),
                            "probe-" + prober.index);
            thread.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
            threads.add(thread);
            thread.start();
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a probe failed", failure.get());
        }
        return new ArrayList<>(samples);
    }

    /** One measurement: a probe user's session from publish to changed status. */
    record Sample(String user, long expected, long sentNanos, long sentMillis, long seenNanos) {

        boolean timedOut() {
            return seenNanos < 0;
        }

        long latencyNanos() {
            return seenNanos - sentNanos;
        }

        String key() {
            return user + ":" + expected;
        }
    }

    /**
     * A probe thread: its own users (FREE, touched by nothing else), one probe at a time with a
     * short pause in between.
     */
    final class Prober {

        final int index;
        final List<String> users = new ArrayList<>();
        final Map<String, String> tokens = new HashMap<>();
        final Map<String, Status> last = new HashMap<>();
        final KeepAliveHttpClient http;
        final KafkaProducer<String, Object> producer;
        final Observer observer;
        final SplittableRandom random;
        int next;

        Prober(int index, int port, KafkaProducer<String, Object> producer, Observer observer) {
            this.index = index;
            this.http = new KeepAliveHttpClient(port);
            this.producer = producer;
            this.observer = observer;
            this.random = new SplittableRandom(index);
            for (int i = 0; i < USERS_PER_PROBE_THREAD; i++) {
                String user = "probe_" + run + "_" + index + "_" + i;
                users.add(user);
                tokens.put(
                        user,
                        TestJwts.user(user)
                                .expiresAt(Instant.now().plus(Duration.ofHours(2)))
                                .token());
            }
        }

        /**
         * Up to {@code count} probes, starting none after {@code until} (nanoTime). A user whose
         * session was not seen in time is retired: it would still arrive later and spoil the next
         * expectation.
         */
        List<Sample> probe(int count, long until) {
            List<Sample> samples = new ArrayList<>();
            try {
                for (int i = 0; i < count && System.nanoTime() < until && !users.isEmpty(); i++) {
                    String user = users.get(next++ % users.size());
                    Sample sample = once(user);
                    samples.add(sample);
                    if (sample.timedOut()) {
                        users.remove(user);
                    }
                    Thread.sleep(10 + random.nextInt(30));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return samples;
        }

        private Sample once(String user) throws InterruptedException {
            String token = tokens.get(user);
            Status before = get(user, token, last.get(user));
            long expected = before.tokensUsed() + PROBE_TOKENS;
            observer.watch(user);
            SessionCompleted session =
                    SessionCompletedBuilder.session("s_probe_" + run + "_" + UUID.randomUUID())
                            .user(user)
                            .completedAt(Instant.now())
                            .phase("grading", "gpt-4o", 1_200, 300, 400)
                            .phase("feedback", "gpt-4o-mini", 500, 0, 150)
                            .build();
            long sentMillis = System.currentTimeMillis();
            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.SESSION_COMPLETED.name(), user, session));
            long poll = sent;
            Status now = before;
            while (true) {
                poll += TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                long wait = poll - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } else {
                    poll = System.nanoTime();
                }
                now = get(user, token, now);
                if (now.tokensUsed() == expected) {
                    last.put(user, now);
                    return new Sample(user, expected, sent, sentMillis, System.nanoTime());
                }
                if (now.tokensUsed() > expected) {
                    throw new IllegalStateException(
                            user + " shows " + now.tokensUsed() + " tokens, expected " + expected);
                }
                if (System.nanoTime() - sent > GIVE_UP.toNanos()) {
                    return new Sample(user, expected, sent, sentMillis, -1);
                }
            }
        }

        /** The user's status: {@code known} again on a 304, the new answer on a 200. */
        private Status get(String user, String token, Status known) {
            KeepAliveHttpClient.Response answer;
            try {
                answer =
                        http.get(
                                "/api/subscription/status",
                                "Authorization: Bearer " + token,
                                "Accept: application/json",
                                known == null ? null : "If-None-Match: " + known.etag());
            } catch (IOException e) {
                throw new IllegalStateException("status of " + user + ": " + e.getMessage(), e);
            }
            if (answer.status() == 304 && known != null) {
                return known;
            }
            if (answer.status() != 200) {
                throw new IllegalStateException(
                        "status of " + user + " answered " + answer.status());
            }
            return new Status(tokensUsed(answer.bodyText()), answer.etag());
        }
    }

    record Status(long tokensUsed, String etag) {}

    static long tokensUsed(String body) {
        String field = "\"tokens_used\":";
        int at = body.indexOf(field);
        if (at < 0) {
            throw new IllegalStateException("no tokens_used in " + body);
        }
        int from = at + field.length();
        int to = from;
        while (to < body.length() && Character.isDigit(body.charAt(to))) {
            to++;
        }
        return Long.parseLong(body, from, to, 10);
    }

    /**
     * The background: realistic sessions (one or two phases over four models) for {@code
     * bench.users} users, paced every millisecond at {@code bench.rate}; if the producer falls more
     * than 50 ms behind, the debt is dropped rather than sent as a burst.
     */
    final class Background implements Runnable {

        static final String[][] MODELS = {
            {"grading", "gpt-4o"},
            {"grading", "claude-sonnet-4-5"},
            {"feedback", "gpt-4o-mini"},
            {"feedback", "gemini-2.5-flash"}
        };

        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        long dropped;

        @Override
        public void run() {
            SplittableRandom random = new SplittableRandom(42);
            long maxDebt = Math.max(1, RATE / 20);
            try (KafkaProducer<String, Object> producer = producer("bench-background", 5)) {
                long start = System.nanoTime();
                long n = 0;
                while (!stop.get()) {
                    long due = (System.nanoTime() - start) * RATE / 1_000_000_000L - dropped;
                    if (due - n > maxDebt) {
                        dropped += due - n - maxDebt;
                        due = n + maxDebt;
                    }
                    for (; n < due; n++) {
                        String user = "bg_" + run + "_" + (n % BACKGROUND_USERS);
                        producer.send(
                                new ProducerRecord<>(
                                        Topics.SESSION_COMPLETED.name(),
                                        user,
                                        session(random, user, n)),
                                (metadata, error) -> {
                                    if (error == null) {
                                        acked.incrementAndGet();
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                });
                    }
                    sent.set(n);
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }

        private SessionCompleted session(SplittableRandom random, String user, long n) {
            SessionCompletedBuilder session =
                    SessionCompletedBuilder.session("s_bg_" + run + "_" + n)
                            .user(user)
                            .completedAt(Instant.now());
            int phases = 1 + random.nextInt(2);
            for (int p = 0; p < phases; p++) {
                String[] model = MODELS[random.nextInt(MODELS.length)];
                session.phase(
                        model[0],
                        model[1],
                        500 + random.nextInt(4_000),
                        random.nextInt(1_000),
                        100 + random.nextInt(1_000));
            }
            return session.build();
        }
    }

    /**
     * A read_committed consumer of {@code billing.usage-state.v1}: when each probe's new total
     * became visible on Kafka, and the timestamp metering's producer gave the record.
     */
    static final class Observer implements Runnable {

        final AtomicBoolean stop = new AtomicBoolean();
        final CountDownLatch positioned = new CountDownLatch(1);
        final Map<String, long[]> seen = new ConcurrentHashMap<>();
        final Set<String> users = ConcurrentHashMap.newKeySet();

        void watch(String user) {
            users.add(user);
        }

        @Override
        public void run() {
            Map<String, Object> config =
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            TestInfrastructure.kafkaBootstrapServers(),
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed",
                            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                            false,
                            ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                            5);
            AvroSingleObjectDeserializer decoder = new AvroSingleObjectDeserializer();
            try (KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(
                            config, new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions =
                        consumer.partitionsFor(Topics.USAGE_STATE.name()).stream()
                                .map(p -> new TopicPartition(p.topic(), p.partition()))
                                .toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (!stop.get()) {
                    for (ConsumerRecord<String, byte[]> record :
                            consumer.poll(Duration.ofMillis(50))) {
                        if (record.value() == null || !users.contains(record.key())) {
                            continue;
                        }
                        long now = System.nanoTime();
                        UsageState state =
                                (UsageState) decoder.deserialize(record.topic(), record.value());
                        String key = record.key() + ":" + state.getTokensUsed();
                        seen.putIfAbsent(key, new long[] {now, record.timestamp()});
                    }
                }
            }
        }
    }

    /** Consumer lag of metering on the sessions and of the dashboard on the usage states. */
    record Lag(long metering, long dashboard) {

        static Lag read(Admin admin) throws Exception {
            return new Lag(
                    lag(admin, METERING_GROUP, Topics.SESSION_COMPLETED),
                    lag(admin, DASHBOARD_GROUP, Topics.USAGE_STATE));
        }

        private static long lag(Admin admin, String group, Topic<?> topic) throws Exception {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < topic.partitions(); p++) {
                latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
            }
            var ends =
                    admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                            .all()
                            .get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (var end : ends.entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
            }
            return lag;
        }
    }

    /** Prints rate and lags every few seconds until {@code until} (nanoTime). */
    private static void report(Admin admin, Background background, long started, long until)
            throws Exception {
        long last = background.acked.get();
        long lastAt = System.nanoTime();
        while (System.nanoTime() < until) {
            Thread.sleep(
                    Math.min(REPORT_EVERY.toMillis(), (until - System.nanoTime()) / 1_000_000 + 1));
            long acked = background.acked.get();
            long now = System.nanoTime();
            Lag lag = Lag.read(admin);
            System.out.printf(
                    Locale.ROOT,
                    "  t=%5.1f s  %,7.0f sessions/s acked  lag: metering %,8d sessions, dashboard %,6d states%n",
                    (now - started) / 1e9,
                    (acked - last) / ((now - lastAt) / 1e9),
                    lag.metering(),
                    lag.dashboard());
            last = acked;
            lastAt = now;
        }
    }

    /** How long metering took to consume what was left once the load stopped (≤ 120 s). */
    private static Duration awaitDrained(Admin admin) throws Exception {
        long start = System.nanoTime();
        while (Lag.read(admin).metering() > 0) {
            if (System.nanoTime() - start > seconds(120)) {
                return null;
            }
            Thread.sleep(250);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void print(
            List<Sample> idle,
            List<Sample> idleAfter,
            List<Sample> loaded,
            double achieved,
            double window,
            Background background,
            Lag lag,
            Duration drained) {
        long[] idleNanos = sorted(idle);
        long[] idleAfterNanos = sorted(idleAfter);
        long[] loadedNanos = sorted(loaded);
        long timeouts = loaded.stream().filter(Sample::timedOut).count();
        System.out.println();
        System.out.println(
                "=== SessionCompleted publish -> changed GET /api/subscription/status "
                        + "(metering, usage state, dashboard; "
                        + Runtime.getRuntime().availableProcessors()
                        + " CPUs shared by the broker, 4 service JVMs, PostgreSQL and the load) ===");
        System.out.println(line("idle, cold (just started)", idleNanos, 0));
        System.out.println(
                line(
                        String.format(Locale.ROOT, "under load (%,.0f sessions/s)", achieved),
                        loadedNanos,
                        timeouts));
        System.out.println(line("idle, warm (after the load)", idleAfterNanos, 0));
        System.out.printf(
                Locale.ROOT,
                "ratio under load / idle warm: p50 %.1fx, p99 %.1fx%n",
                percentile(loadedNanos, 50) / percentile(idleAfterNanos, 50),
                percentile(loadedNanos, 99) / percentile(idleAfterNanos, 99));
        System.out.printf(
                Locale.ROOT,
                "background: target %,d sessions/s, achieved %,.0f/s acked over the %.1f s window"
                        + " (%,d sent in all, %,d failed, %,d dropped as producer debt), %,d users%n",
                RATE,
                achieved,
                window,
                background.sent.get(),
                background.failed.get(),
                background.dropped,
                BACKGROUND_USERS);
        System.out.printf(
                Locale.ROOT,
                "consumer lag at the end of the window: %s on %s %,d sessions; %s on %s %,d states%n",
                METERING_GROUP,
                Topics.SESSION_COMPLETED.name(),
                lag.metering(),
                DASHBOARD_GROUP,
                Topics.USAGE_STATE.name(),
                lag.dashboard());
        System.out.println(
                drained == null
                        ? "metering had not drained its lag 120 s after the load stopped"
                        : String.format(
                                Locale.ROOT,
                                "metering drained its lag %.1f s after the load stopped",
                                drained.toMillis() / 1e3));
    }

    /**
     * Splits each probe's latency at the moments the observer saw its {@code UsageState}: publish →
     * metering's send (the record's timestamp, ms) → visible to read_committed → status changed.
     */
    private static void printBreakdown(String name, List<Sample> samples, Observer observer) {
        List<Long> toRelay = new ArrayList<>();
        List<Long> toVisible = new ArrayList<>();
        List<Long> toStatus = new ArrayList<>();
        int missing = 0;
        for (Sample sample : samples) {
            long[] seen = observer.seen.get(sample.key());
            if (sample.timedOut() || seen == null) {
                missing++;
                continue;
            }
            toRelay.add((seen[1] - sample.sentMillis()) * 1_000_000);
            toVisible.add(seen[0] - sample.sentNanos());
            toStatus.add(sample.seenNanos() - seen[0]);
        }
        System.out.printf(
                Locale.ROOT,
                "breakdown %-11s p50 / p99 ms: publish -> metering sends UsageState %.0f / %.0f;"
                        + " publish -> UsageState visible (read_committed) %.1f / %.1f;"
                        + " visible -> status changed %.1f / %.1f  (%d samples unobserved)%n",
                name,
                percentile(sort(toRelay), 50),
                percentile(sort(toRelay), 99),
                percentile(sort(toVisible), 50),
                percentile(sort(toVisible), 99),
                percentile(sort(toStatus), 50),
                percentile(sort(toStatus), 99),
                missing);
    }

    private static void printCpu(
            String title, Map<String, Long> start, Map<String, Long> end, double window) {
        StringBuilder line = new StringBuilder(title);
        double total = 0;
        for (Map.Entry<String, Long> process : end.entrySet()) {
            double cores =
                    (process.getValue() - start.getOrDefault(process.getKey(), 0L)) / 1e9 / window;
            total += cores;
            line.append(String.format(Locale.ROOT, " %s %.2f;", process.getKey(), cores));
        }
        line.append(String.format(Locale.ROOT, " total %.2f", total));
        System.out.println(line);
    }

    /**
     * CPU time so far of this JVM (broker, producers, probes), each service's JVM and PostgreSQL
     * (this database's backends, and the server's shared background processes, which also work for
     * other databases).
     */
    static final class Cpu {

        static Map<String, Long> snapshot(String database) {
            Map<String, Long> cpu = new LinkedHashMap<>();
            cpu.put("test JVM (broker, load, probes)", cpuNanos(ProcessHandle.current()));
            ProcessHandle.current()
                    .descendants()
                    .forEach(
                            process -> {
                                String command = process.info().commandLine().orElse("");
                                for (var service : ServiceProcess.ALL) {
                                    if (command.contains(service.name() + ".jar")) {
                                        cpu.merge(service.name(), cpuNanos(process), Long::sum);
                                    }
                                }
                            });
            long backends = 0;
            long shared = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.toList()) {
                    if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String command =
                                Files.readString(process.resolve("cmdline")).replace('\0', ' ');
                        if (!command.startsWith("postgres") && !command.contains("/bin/postgres")) {
                            continue;
                        }
                        long nanos = procCpuNanos(process);
                        if (command.contains(" " + database + " ")) {
                            backends += nanos;
                        } else if (!command.contains(" tm_")) {
                            shared += nanos;
                        }
                    } catch (IOException | RuntimeException e) {
                        // Gone in the meantime, or not ours to read.
                    }
                }
            } catch (IOException e) {
                return cpu; // not Linux: the JVMs only
            }
            cpu.put("PostgreSQL (this DB's backends)", backends);
            cpu.put("PostgreSQL (server processes, shared)", shared);
            return cpu;
        }

        /**
         * This JVM's CPU by thread group; "JVM" is what no Java thread accounts for (GC, JIT), and
         * threads that ended in between are missed.
         */
        static Map<String, Long> threads() {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            Map<String, Long> cpu = new LinkedHashMap<>();
            for (String group :
                    List.of("broker", "background producer", "probes", "observer", "other")) {
                cpu.put(group, 0L);
            }
            long threads = 0;
            for (ThreadInfo thread : bean.getThreadInfo(bean.getAllThreadIds())) {
                if (thread == null) {
                    continue;
                }
                long nanos = bean.getThreadCpuTime(thread.getThreadId());
                if (nanos > 0) {
                    cpu.merge(group(thread.getThreadName()), nanos, Long::sum);
                    threads += nanos;
                }
            }
            cpu.put("JVM", cpuNanos(ProcessHandle.current()) - threads);
            return cpu;
        }

        private static String group(String thread) {
            if (thread.contains("bench-background") || thread.equals("background-sessions")) {
                return "background producer";
            }
            if (thread.contains("bench-probes") || thread.startsWith("probe-")) {
                return "probes";
            }
            if (thread.equals("usage-state-observer")) {
                return "observer";
            }
            if (thread.startsWith("kafka-admin-client")
                    || thread.startsWith("HttpClient-")
                    || thread.equals("main")) {
                return "other";
            }
            return "broker";
        }

        private static long cpuNanos(ProcessHandle process) {
            return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        /** utime + stime from /proc/[pid]/stat, in clock ticks of 10 ms. */
        private static long procCpuNanos(Path process) throws IOException {
            String stat = Files.readString(process.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        }
    }

    /** Counters the services expose on {@code /actuator/prometheus}, summed over their labels. */
    record Metrics(
            double meteringBatches,
            double meteringBatchSeconds,
            double meteringSessions,
            double relayed,
            double dashboardBatches,
            double dashboardBatchSeconds) {

        static Metrics scrape(RunningSystem system) {
            String metering = prometheus(system.port("usage-metering-service"));
            String dashboard = prometheus(system.port("dashboard-api-service"));
            return new Metrics(
                    sum(metering, "spring_kafka_listener_seconds_count", "session-completed"),
                    sum(metering, "spring_kafka_listener_seconds_sum", "session-completed"),
                    sum(metering, "tokenmeter_metering_sessions_total", "counted"),
                    sum(metering, "tokenmeter_outbox_relayed_total", ""),
                    sum(dashboard, "spring_kafka_listener_seconds_count", "dashboard-usage-state"),
                    sum(dashboard, "spring_kafka_listener_seconds_sum", "dashboard-usage-state"));
        }

        Metrics minus(Metrics start) {
            return new Metrics(
                    meteringBatches - start.meteringBatches,
                    meteringBatchSeconds - start.meteringBatchSeconds,
                    meteringSessions - start.meteringSessions,
                    relayed - start.relayed,
                    dashboardBatches - start.dashboardBatches,
                    dashboardBatchSeconds - start.dashboardBatchSeconds);
        }

        void print(double window) {
            System.out.printf(
                    Locale.ROOT,
                    "metering in the window: %,.0f sessions/s metered in %,.1f batches/s of %,.0f"
                            + " sessions averaging %,.0f ms (listener threads busy: %.2f on average,"
                            + " of the service's 2); outbox relayed %,.0f records/s%n",
                    meteringSessions / window,
                    meteringBatches / window,
                    meteringSessions / meteringBatches,
                    meteringBatchSeconds * 1e3 / meteringBatches,
                    meteringBatchSeconds / window,
                    relayed / window);
            System.out.printf(
                    Locale.ROOT,
                    "dashboard in the window: usage-state batches %,.1f/s averaging %,.1f ms%n",
                    dashboardBatches / window,
                    dashboardBatchSeconds * 1e3 / dashboardBatches);
        }

        /**
         * Reads every service's metrics every {@code interval}, discarding them, until interrupted.
         */
        static void scrapeEvery(Duration interval, RunningSystem system) {
            while (!Thread.currentThread().isInterrupted()) {
                ServiceProcess.ALL.forEach(service -> prometheus(system.port(service.name())));
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The metrics of the service on {@code port}, from its management port (+1000). */
        private static String prometheus(int port) {
            try {
                return HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + (port + 1000)
                                                                + "/actuator/prometheus"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                return "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }

        private static double sum(String text, String name, String labelsContaining) {
            double sum = 0;
            for (String line : text.split("\n")) {
                if ((line.startsWith(name + "{") || line.startsWith(name + " "))
                        && line.contains(labelsContaining)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }
    }

    private static String line(String name, long[] sortedNanos, long timeouts) {
        return String.format(
                Locale.ROOT,
                "%-36s samples %4d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%s",
                name,
                sortedNanos.length,
                percentile(sortedNanos, 50),
                percentile(sortedNanos, 99),
                percentile(sortedNanos, 100),
                timeouts == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "  (+%d not seen within %d s: percentiles are lower bounds)",
                                timeouts,
                                GIVE_UP.toSeconds()));
    }

    private static long[] sorted(List<Sample> samples) {
        return samples.stream()
                .filter(s -> !s.timedOut())
                .mapToLong(Sample::latencyNanos)
                .sorted()
                .toArray();
    }

    private static long[] sort(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /** The p-th percentile in milliseconds (nearest rank). */
    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index =
                (int) Math.min(sortedNanos.length - 1, Math.ceil(p / 100 * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }

    /** A producer speaking the contract's encoding: acks=all, {@code lingerMs} of batching. */
    static KafkaProducer<String, Object> producer(String clientId, int lingerMs) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(
                config, new StringSerializer(), new AvroSingleObjectSerializer());
    }

    private static Map<String, Object> adminConfig() {
        return Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafkaBootstrapServers());
    }

    private static long seconds(int seconds) {
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
