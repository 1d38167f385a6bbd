package io.tokenmeter.dashboard.benchmark;

import io.tokenmeter.dashboard.DashboardApiApplication;
import io.tokenmeter.dashboard.States;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.KeepAliveHttpClient;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import io.tokenmeter.testsupport.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Load benchmark of {@code GET /api/subscription/status} and the freshness of its answers. Not a
 * test (surefire's includes do not match {@code *Benchmark}); run it with
 *
 * <pre>
 * ./mvnw -B -o -pl dashboard-api-service -am verify -Dtest=StatusLoadBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>It starts two instances of the service in this JVM on the real broker and PostgreSQL, each
 * with its own database: the service as configured, and a naive baseline with both caches off
 * (every request verifies the JWT's signature and queries PostgreSQL). Both replay the same seeded
 * states. A raw HTTP/1.1 keep-alive load generator in this JVM (so on the same cores) sends
 * requests with {@value #USERS} distinct users' JWTs over loopback. Then it measures freshness:
 * while {@value #EVENTS_PER_SECOND} usage states a second are published for other users, probes
 * publish a new count for a user and poll the status until it shows.
 *
 * <p>Knobs (system properties): {@code bench.connections} (16), {@code bench.seconds} (20), {@code
 * bench.warmup} (8).
 */
class StatusLoadBenchmark {

    static final int USERS = 10_000;
    static final int EVENTS_PER_SECOND = 10_000;
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 16);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int WARMUP = Integer.getInteger("bench.warmup", 8);

    @Test
    void measure() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add("bench_" + i + "_" + UUID.randomUUID().toString().substring(0, 6));
        }
        TestKafka.createCatalogueTopics();
        seed(users);
        String[] tokens =
                users.stream()
                        .map(
                                u ->
                                        TestJwts.user(u)
                                                .expiresAt(Instant.now().plus(Duration.ofHours(2)))
                                                .token())
                        .toArray(String[]::new);

        try (ConfigurableApplicationContext optimised = start(Map.of())) {
            Result slow;
            // The baseline runs alone, then stops: it must not eat CPU during the other runs.
            try (ConfigurableApplicationContext naive =
                    start(
                            Map.of(
                                    "tokenmeter.dashboard.status-cache-size", "0",
                                    "tokenmeter.dashboard.token-cache-size", "0"))) {
                awaitSeeded(naive, users.size());
                slow = load("naive baseline (no caches)", port(naive), tokens);
            }
            awaitSeeded(optimised, users.size());
            Result fast = load("cached (as shipped)", port(optimised), tokens);
            System.out.println();
            System.out.println(
                    "=== GET /api/subscription/status, "
                            + USERS
                            + " distinct users' JWTs, "
                            + CONNECTIONS
                            + " keep-alive connections, "
                            + Runtime.getRuntime().availableProcessors()
                            + " CPUs shared with the load generator ===");
            System.out.println(fast);
            System.out.println(slow);
            System.out.printf(
                    Locale.ROOT,
                    "throughput ratio cached/naive: %.1fx; p99 ratio naive/cached: %.1fx%n",
                    fast.perSecond() / slow.perSecond(),
                    slow.p99Millis() / fast.p99Millis());

            freshness(port(optimised));
        }
    }

    /** Half the users on PRO with usage, half FREE; records the broker refused are resent. */
    static void seed(List<String> users) {
        List<ProducerRecord<String, Object>> pending = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            if (i % 2 == 0) {
                pending.add(
                        new ProducerRecord<>(
                                Topics.SUBSCRIPTION_STATE.name(),
                                user,
                                States.pro(user, States.NOVEMBER)));
                pending.add(
                        new ProducerRecord<>(
                                Topics.USAGE_STATE.name(),
                                user,
                                States.usage(user, "PRO", States.NOVEMBER, 1_000L * i)));
            } else {
                pending.add(
                        new ProducerRecord<>(
                                Topics.USAGE_STATE.name(),
                                user,
                                States.usage(user, "FREE", null, i)));
            }
        }
        // Freshly created topics may still be electing leaders: resend what failed.
        for (int attempt = 0; !pending.isEmpty() && attempt < 10; attempt++) {
            List<ProducerRecord<String, Object>> failed =
                    java.util.Collections.synchronizedList(new ArrayList<>());
            try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
                for (ProducerRecord<String, Object> record : pending) {
                    producer.send(
                            record,
                            (metadata, error) -> {
                                if (error != null) {
                                    failed.add(record);
                                }
                            });
                }
                producer.flush();
            }
            pending = new ArrayList<>(failed);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException(pending.size() + " seed records could not be sent");
        }
    }

    static ConfigurableApplicationContext start(Map<String, String> overrides) {
        TestDatabase database = TestInfrastructure.createDatabase(StatusLoadBenchmark.class);
        Map<String, Object> properties = new HashMap<>();
        properties.put("server.port", "0");
        properties.put("AUTH_JWT_SECRET", TestJwts.SECRET);
        properties.put(
                "spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers());
        properties.put("spring.kafka.consumer.group-id", "dashboard-bench-" + UUID.randomUUID());
        properties.put("spring.datasource.url", database.jdbcUrl());
        properties.put("spring.datasource.username", database.username());
        properties.put("spring.datasource.password", database.password());
        properties.put("logging.level.root", "WARN");
        properties.putAll(overrides);
        // As command-line arguments: they must outrank application.yml (server.port=8080).
        return new SpringApplicationBuilder(DashboardApiApplication.class)
                .run(
                        properties.entrySet().stream()
                                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                                .toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    static void awaitSeeded(ConfigurableApplicationContext context, int users)
            throws InterruptedException {
        JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (jdbc.queryForObject(
                        "SELECT count(*) FROM usage_state WHERE user_id LIKE 'bench_%'", Long.class)
                < users) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the read model did not catch up with the seed");
            }
            Thread.sleep(200);
        }
    }

    record Result(
            String name,
            long requests,
            long errors,
            double seconds,
            long cpuNanos,
            long[] sortedNanos) {

        /** JVM CPU microseconds per request, load generator included. */
        double cpuMicrosPerRequest() {
            return requests == 0 ? Double.NaN : cpuNanos / 1e3 / requests;
        }

        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            if (sortedNanos.length == 0) {
                return Double.NaN;
            }
            int index =
                    (int)
                            Math.min(
                                    sortedNanos.length - 1,
                                    Math.ceil(p / 100 * sortedNanos.length) - 1);
            return sortedNanos[Math.max(0, index)] / 1e6;
        }

        double p99Millis() {
            return percentileMillis(99);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%-28s %,9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %7.2f ms  (%,d requests, %d errors, %.0f s; JVM CPU %.0f µs/request incl. generator)",
                    name,
                    perSecond(),
                    percentileMillis(50),
                    p99Millis(),
                    percentileMillis(99.9),
                    percentileMillis(100),
                    requests,
                    errors,
                    seconds,
                    cpuMicrosPerRequest());
        }
    }

    /** Closed-loop load: each connection sends its next request as soon as the previous returns. */
    static Result load(String name, int port, String[] tokens) throws Exception {
        run(port, tokens, WARMUP, false);
        return run(port, tokens, SECONDS, true).named(name);
    }

    private static Measured run(int port, String[] tokens, int seconds, boolean record)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        int[] counts = new int[CONNECTIONS];
        CountDownLatch done = new CountDownLatch(CONNECTIONS);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            long[] mine = new long[record ? 2_000_000 : 1];
            latencies.add(mine);
            int connection = c;
            Thread thread =
                    new Thread(
                            () -> {
                                try (KeepAliveHttpClient client = new KeepAliveHttpClient(port)) {
                                    int i = connection * (tokens.length / CONNECTIONS);
                                    int n = 0;
                                    while (!stop.get()) {
                                        String token = tokens[i++ % tokens.length];
                                        long start = System.nanoTime();
                                        KeepAliveHttpClient.Response response =
                                                client.get(
                                                        "/api/subscription/status",
                                                        "Authorization: Bearer " + token,
                                                        "Accept: application/json");
                                        long took = System.nanoTime() - start;
                                        if (response.status() != 200) {
                                            errors.incrementAndGet();
                                        }
                                        if (record && n < mine.length) {
                                            mine[n] = took;
                                        }
                                        n++;
                                    }
                                    counts[connection] = n;
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                } finally {
                                    done.countDown();
                                }
                            },
                            "load-" + c);
            threads.add(thread);
        }
        long started = System.nanoTime();
        long cpuBefore = processCpuNanos();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpu = processCpuNanos() - cpuBefore;
        long total = Arrays.stream(counts).asLongStream().sum();
        int recorded = 0;
        for (int c = 0; c < CONNECTIONS; c++) {
            recorded += Math.min(counts[c], latencies.get(c).length);
        }
        long[] all = new long[record ? recorded : 0];
        if (record) {
            int at = 0;
            for (int c = 0; c < CONNECTIONS; c++) {
                int n = Math.min(counts[c], latencies.get(c).length);
                System.arraycopy(latencies.get(c), 0, all, at, n);
                at += n;
            }
            Arrays.sort(all);
        }
        return new Measured(total, errors.get(), elapsed, cpu, all);
    }

    /**
     * CPU time of this whole JVM (service, load generator, embedded broker): independent of how
     * much of the machine other processes take, it tells what the service costs per request.
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private record Measured(
            long requests, long errors, double seconds, long cpuNanos, long[] sortedNanos) {
        Result named(String name) {
            return new Result(name, requests, errors, seconds, cpuNanos, sortedNanos);
        }
    }

    /**
     * UsageState publish → changed status, under {@value #EVENTS_PER_SECOND} background usage
     * states a second for other users. A probe publishes a new count for its user and polls the
     * status (keep-alive, ~1 ms apart) until the count shows.
     */
    static void freshness(int port) throws Exception {
        int backgroundUsers = 20_000;
        List<String> probes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            probes.add("probe_" + i + "_" + UUID.randomUUID().toString().substring(0, 6));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong published = new AtomicLong();
        Thread background =
                new Thread(
                        () -> {
                            try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
                                long next = System.nanoTime();
                                long n = 0;
                                while (!stop.get()) {
                                    for (int i = 0; i < EVENTS_PER_SECOND / 100; i++) {
                                        String user = "fresh_bg_" + (n % backgroundUsers);
                                        producer.send(
                                                new ProducerRecord<>(
                                                        Topics.USAGE_STATE.name(),
                                                        user,
                                                        States.usage(user, "FREE", null, n)));
                                        n++;
                                    }
                                    published.set(n);
                                    next += 10_000_000L;
                                    long sleep = next - System.nanoTime();
                                    if (sleep > 0) {
                                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                                    }
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "background-usage");
        background.start();
        Thread.sleep(5_000); // let the consumer reach a steady state

        List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> probeThreads = new ArrayList<>();
        long measureUntil = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        for (String probe : probes) {
            Thread thread =
                    new Thread(
                            () -> {
                                String token = TestJwts.user(probe).token();
                                try (KeepAliveHttpClient client = new KeepAliveHttpClient(port);
                                        KafkaProducer<String, Object> producer =
                                                TestKafka.producer()) {
                                    long count = 0;
                                    while (System.nanoTime() < measureUntil) {
                                        count += 1000;
                                        UsageState state = States.usage(probe, "FREE", null, count);
                                        String expected = "\"tokens_used\":" + count + ",";
                                        long start = System.nanoTime();
                                        producer.send(
                                                new ProducerRecord<>(
                                                        Topics.USAGE_STATE.name(), probe, state));
                                        while (!client.get(
                                                        "/api/subscription/status",
                                                        "Authorization: Bearer " + token)
                                                .bodyText()
                                                .contains(expected)) {
                                            Thread.sleep(1);
                                            if (System.nanoTime() - start
                                                    > Duration.ofSeconds(30).toNanos()) {
                                                throw new IllegalStateException(
                                                        "probe never saw its update");
                                            }
                                        }
                                        samples.add(System.nanoTime() - start);
                                        Thread.sleep(20);
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "probe-" + probe);
            probeThreads.add(thread);
            thread.start();
        }
        long publishedBefore = published.get();
        long t0 = System.nanoTime();
        for (Thread thread : probeThreads) {
            thread.join();
        }
        double rate = (published.get() - publishedBefore) / ((System.nanoTime() - t0) / 1e9);
        stop.set(true);
        background.join();
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        Result result = new Result("freshness", sorted.length, 0, 1, 0, sorted);
        System.out.printf(
                Locale.ROOT,
                "=== UsageState publish -> changed GET /api/subscription/status, background %,.0f usage states/s ===%n"
                        + "samples %d  p50 %.1f ms  p99 %.1f ms  max %.1f ms%n",
                rate,
                sorted.length,
                result.percentileMillis(50),
                result.percentileMillis(99),
                result.percentileMillis(100));
    }
}
