package io.tokenmeter.ingress.benchmark;

import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.ingress.WebhookIngressApplication;
import io.tokenmeter.ingress.webhook.VerifiedEventLog;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.testsupport.KeepAliveHttpClient;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.TestKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Load benchmark of {@code POST /api/subscription/webhook} (not part of {@code verify}: surefire
 * only runs {@code *Tests}). Starts a real KRaft broker and the service twice, side by side, in
 * this JVM: once with the Kafka hand-off replaced by a no-op (the baseline: HTTP + signature +
 * parsing only), once as shipped (idempotent producer, {@code acks=all}, 200 only after the ack).
 * Both are warmed up before either is measured. Each measurement is driven by {@code
 * bench.connections} keep-alive HTTP/1.1 connections, each sending freshly signed real Stripe
 * payloads (3.2–5.9 KB, unique event ids) back to back. Afterwards every event answered 200 in the
 * real run is looked up on the topic.
 *
 * <pre>
 * ./mvnw -B -o -pl webhook-ingress-service -am test -Dtest=WebhookIngressBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.connections=32 -Dbench.warmup=15 \
 *     -Dbench.seconds=15]
 * </pre>
 *
 * <p>The load generator is test-support's {@link KeepAliveHttpClient}, a minimal blocking HTTP/1.1
 * client on plain sockets, so that on a small machine the client's own overhead takes as little CPU
 * from the service as possible.
 */
class WebhookIngressBenchmark {

    private static final String SECRET = "whsec_benchmark";
    private static final String PATH = "/api/subscription/webhook";
    private static final List<String> FIXTURES =
            List.of(
                    "checkout.session.completed.event-2025-03-31.basil.json",
                    "checkout.session.completed.event-2020-03-02.json",
                    "customer.subscription.deleted.event-2020-03-02.json",
                    "customer.subscription.updated.event-2020-03-02.json",
                    "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json",
                    "invoice.paid.event-2020-03-02.json");

    private final int connections = Integer.getInteger("bench.connections", 32);
    private final int warmupSeconds = Integer.getInteger("bench.warmup", 10);
    private final int seconds = Integer.getInteger("bench.seconds", 20);

    @Test
    void benchmark() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(
                Map.of(
                        "transaction.state.log.replication.factor", "1",
                        "transaction.state.log.min.isr", "1",
                        "auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        try (ConfigurableApplicationContext noop = start(broker, true);
                ConfigurableApplicationContext kafka = start(broker, false)) {
            // Both warm up before either is measured, so the JIT's work lands in neither result.
            drive("noop_warmup", port(noop), warmupSeconds);
            drive("kafka_warmup", port(kafka), warmupSeconds);
            Result baseline = drive("noop", port(noop), seconds);
            System.out.println(baseline.line("noop"));
            Result real = drive("kafka", port(kafka), seconds);
            System.out.println(real.line("kafka"));
            printProducerMetrics(kafka);
            Set<String> stored = storedEventIds(broker, "evt_bench_kafka_");
            long lost = real.acceptedIds.stream().filter(id -> !stored.contains(id)).count();

            System.out.printf(
                    Locale.ROOT,
                    "%n=== webhook ingress benchmark: %d connections, %d s warm-up, %d s measured,"
                            + " %d cores ===%n",
                    connections,
                    warmupSeconds,
                    seconds,
                    Runtime.getRuntime().availableProcessors());
            System.out.println(baseline.line("baseline: no-op instead of Kafka"));
            System.out.println(real.line("real: Kafka acks=all, idempotent"));
            System.out.printf(
                    Locale.ROOT,
                    "durability costs: throughput x%.2f, p99 +%.1f ms; acknowledged %d, on the"
                            + " topic %d of them, lost %d%n",
                    real.perSecond() / baseline.perSecond(),
                    (real.percentile(0.99) - baseline.percentile(0.99)) / 1e6,
                    real.acceptedIds.size(),
                    real.acceptedIds.size() - lost,
                    lost);
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf(
                    Locale.ROOT,
                    "CPU per request (client + service + broker): baseline %.0f us, real %.0f us"
                            + " -> at most %.0f resp. %.0f req/s if this JVM had all %d cores%n",
                    baseline.cpuMicrosPerRequest(),
                    real.cpuMicrosPerRequest(),
                    cores * 1e6 / baseline.cpuMicrosPerRequest(),
                    cores * 1e6 / real.cpuMicrosPerRequest(),
                    cores);
            System.out.println("load average (1, 5, 15 min) at the end: " + loadAverage());
            if (lost > 0) {
                throw new AssertionError(lost + " acknowledged events are not on the topic");
            }
        } finally {
            broker.destroy();
        }
    }

    private static void printProducerMetrics(ConfigurableApplicationContext app) {
        Set<String> wanted =
                Set.of(
                        "records-per-request-avg",
                        "batch-size-avg",
                        "request-latency-avg",
                        "record-queue-time-avg",
                        "request-rate",
                        "record-send-rate");
        @SuppressWarnings("unchecked")
        org.springframework.kafka.core.KafkaTemplate<String, Object> template =
                app.getBean(org.springframework.kafka.core.KafkaTemplate.class);
        Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics =
                template.metrics();
        metrics.forEach(
                (name, metric) -> {
                    if (name.group().equals("producer-metrics") && wanted.contains(name.name())) {
                        System.out.println(
                                "producer " + name.name() + " = " + metric.metricValue());
                    }
                });
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }

    private static ConfigurableApplicationContext start(
            EmbeddedKafkaKraftBroker broker, boolean noop) {
        SpringApplicationBuilder builder =
                new SpringApplicationBuilder(WebhookIngressApplication.class);
        if (noop) {
            builder.initializers(
                    context ->
                            ((GenericApplicationContext) context)
                                    .registerBean(
                                            "noopEventLog",
                                            VerifiedEventLog.class,
                                            () -> (event, timeout) -> {},
                                            definition -> definition.setPrimary(true)));
        }
        // Command-line arguments, so that they win over application.yml (port 8081).
        return builder.run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--STRIPE_WEBHOOK_SECRET=" + SECRET,
                "--logging.level.root=WARN",
                "--spring.main.banner-mode=off");
    }

    private Result drive(String name, int port, int durationSeconds) throws Exception {
        List<Template> templates = FIXTURES.stream().map(Template::of).toList();
        long end = System.nanoTime() + Duration.ofSeconds(durationSeconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        List<Future<Worker>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            Worker worker = new Worker("evt_bench_" + name + "_" + c + "_", port, templates);
            futures.add(pool.submit(() -> worker.runUntil(end)));
        }
        CpuSample before = CpuSample.now();
        Result result = new Result();
        for (Future<Worker> future : futures) {
            result.add(future.get());
        }
        result.elapsedNanos = System.nanoTime() - start;
        result.cpu = CpuSample.now().minus(before);
        pool.shutdown();
        return result;
    }

    /** One keep-alive connection sending signed deliveries back to back. */
    private static final class Worker {
        final String idPrefix;
        final List<Template> templates;
        final Mac hmac;
        long[] latencies = new long[1 << 16];
        int count;
        int failures;
        final List<String> acceptedIds = new ArrayList<>();
        final KeepAliveHttpClient http;

        Worker(String idPrefix, int port, List<Template> templates) throws Exception {
            this.idPrefix = idPrefix;
            this.templates = templates;
            this.http = new KeepAliveHttpClient(port);
            this.hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }

        Worker runUntil(long end) throws IOException {
            try {
                for (int n = 0; System.nanoTime() < end; n++) {
                    String id = idPrefix + n;
                    byte[] body = templates.get(n % templates.size()).withId(id);
                    byte[] request = request(body);
                    long started = System.nanoTime();
                    int status = send(request);
                    long latency = System.nanoTime() - started;
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = latency;
                    if (status == 200) {
                        acceptedIds.add(id);
                    } else {
                        failures++;
                    }
                }
            } finally {
                http.close();
            }
            return this;
        }

        private byte[] request(byte[] body) {
            long t = System.currentTimeMillis() / 1000;
            hmac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            String signature = HexFormat.of().formatHex(hmac.doFinal(body));
            byte[] head =
                    ("POST "
                                    + PATH
                                    + " HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Content-Type: application/json; charset=utf-8\r\n"
                                    + "Stripe-Signature: t="
                                    + t
                                    + ",v1="
                                    + signature
                                    + "\r\nContent-Length: "
                                    + body.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            return request;
        }

        private int send(byte[] request) throws IOException {
            return http.send(request).status();
        }
    }

    /** A real Stripe payload, byte for byte, with its event id replaced. */
    private record Template(byte[] before, byte[] after) {
        static Template of(String fixture) {
            String text = StripeEvent.fixtureText(fixture);
            String quotedId = "\"" + StripeEvent.fixture(fixture).text("/id") + "\"";
            int at = text.indexOf(quotedId);
            return new Template(
                    text.substring(0, at + 1).getBytes(StandardCharsets.UTF_8),
                    text.substring(at + quotedId.length() - 1).getBytes(StandardCharsets.UTF_8));
        }

        byte[] withId(String id) {
            byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
            byte[] body = new byte[before.length + idBytes.length + after.length];
            System.arraycopy(before, 0, body, 0, before.length);
            System.arraycopy(idBytes, 0, body, before.length, idBytes.length);
            System.arraycopy(after, 0, body, before.length + idBytes.length, after.length);
            return body;
        }
    }

    private static final class Result {
        long[] latencies = new long[0];
        int count;
        int failures;
        long elapsedNanos;
        CpuUse cpu;
        final List<String> acceptedIds = new ArrayList<>();

        void add(Worker worker) {
            long[] merged = Arrays.copyOf(latencies, count + worker.count);
            System.arraycopy(worker.latencies, 0, merged, count, worker.count);
            latencies = merged;
            count += worker.count;
            failures += worker.failures;
            acceptedIds.addAll(worker.acceptedIds);
        }

        double cpuMicrosPerRequest() {
            return cpu.processNanos / 1e3 / count;
        }

        double perSecond() {
            return count / (elapsedNanos / 1e9);
        }

        double percentile(double p) {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return sorted[Math.min(count - 1, (int) Math.ceil(p * count) - 1)];
        }

        String line(String name) {
            return String.format(
                    Locale.ROOT,
                    "%-36s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  max %7.2f ms"
                            + "  (%d requests, %d non-200)%n%-36s CPU: this JVM %.0f us/request"
                            + " (client + service + broker); this JVM used %.0f%% of the"
                            + " machine, other processes %.0f%%",
                    name,
                    perSecond(),
                    percentile(0.50) / 1e6,
                    percentile(0.99) / 1e6,
                    percentile(0.999) / 1e6,
                    percentile(1.0) / 1e6,
                    count,
                    failures,
                    "",
                    cpu.processNanos / 1e3 / count,
                    100.0 * cpu.processShare(),
                    100.0 * cpu.othersShare());
        }
    }

    /** CPU time of this JVM and of the whole machine (Linux {@code /proc/stat}), at one instant. */
    private record CpuSample(long processNanos, long machineBusyTicks, long machineTotalTicks) {
        static CpuSample now() {
            long process =
                    ((com.sun.management.OperatingSystemMXBean)
                                    java.lang.management.ManagementFactory
                                            .getOperatingSystemMXBean())
                            .getProcessCpuTime();
            long busy = 0;
            long total = 0;
            try {
                String[] fields =
                        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                                .get(0)
                                .trim()
                                .split("\\s+");
                for (int i = 1; i < Math.min(fields.length, 9); i++) {
                    long ticks = Long.parseLong(fields[i]);
                    total += ticks;
                    if (i != 4 && i != 5) { // idle, iowait
                        busy += ticks;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Not Linux: the machine's share stays unknown (0).
            }
            return new CpuSample(process, busy, total);
        }

        CpuUse minus(CpuSample earlier) {
            return new CpuUse(
                    processNanos - earlier.processNanos,
                    machineBusyTicks - earlier.machineBusyTicks,
                    machineTotalTicks - earlier.machineTotalTicks);
        }
    }

    /** CPU used over an interval; ticks are USER_HZ (1/100 s). */
    private record CpuUse(long processNanos, long machineBusyTicks, long machineTotalTicks) {
        double processShare() {
            return machineTotalTicks == 0 ? 0 : processNanos / 1e7 / machineTotalTicks;
        }

        double othersShare() {
            return machineTotalTicks == 0
                    ? 0
                    : Math.max(0, (double) machineBusyTicks / machineTotalTicks - processShare());
        }
    }

    /** The machine's load, to say how much else was running (Linux only). */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Set<String> storedEventIds(EmbeddedKafkaKraftBroker broker, String prefix) {
        String topic = Topics.STRIPE_WEBHOOK_EVENTS.name();
        Set<String> ids = new HashSet<>();
        AvroSingleObjectDeserializer avro = new AvroSingleObjectDeserializer();
        TestKafka.forEachRecord(
                broker.getBrokersAsString(),
                topic,
                record -> {
                    String id =
                            ((StripeWebhookEvent) avro.deserialize(topic, record.value()))
                                    .getEventId();
                    if (id.startsWith(prefix)) {
                        ids.add(id);
                    }
                });
        return ids;
    }
}
