package io.tokenmeter.systembench;

import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import io.tokenmeter.testsupport.KeepAliveHttpClient;
import io.tokenmeter.testsupport.SessionCompletedBuilder;
import io.tokenmeter.testsupport.TestJwts;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A steady 10,000 sessions/s for 10,000 users, and meanwhile probes: a probe user's session
 * published, then its status polled (every 5 ms, with {@code If-None-Match}) until the new total
 * shows. Latency = publish → first answer showing it; counted for probes sent in the measured
 * window after a warm-up. Consumer lag is read every few seconds.
 */
final class SteadySessions {

    static final int RATE = 10_000;
    static final int PROBE_THREADS = 4;
    static final int USERS_PER_PROBE_THREAD = 20;
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    static final Duration GIVE_UP = Duration.ofSeconds(30);
    static final long PROBE_TOKENS = 2_550;

    private final Stack stack;
    private final Lag lag;
    private final String run;
    private final Options options;
    private final List<Row> rows;

    SteadySessions(Stack stack, Lag lag, String run, Options options, List<Row> rows) {
        this.stack = stack;
        this.lag = lag;
        this.run = run;
        this.options = options;
        this.rows = rows;
    }

    void run() throws Exception {
        int warmup = options.quick() ? 3 : 10;
        int seconds = options.quick() ? 6 : 60;
        int users = 10_000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Thread background =
                new Thread(() -> background(users, stop, acked, failed), "steady-sessions");
        long started = System.nanoTime();
        background.start();
        long windowStart = started + TimeUnit.SECONDS.toNanos(warmup);
        long windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> probers = new ArrayList<>();
        List<List<long[]>> samples = new ArrayList<>();
        AtomicLong timeouts = new AtomicLong();
        String[] probeFailure = new String[1];
        for (int p = 0; p < PROBE_THREADS; p++) {
            List<long[]> mine = new ArrayList<>();
            samples.add(mine);
            int index = p;
            Thread prober =
                    new Thread(
                            () -> {
                                try {
                                    probe(index, windowEnd, mine, timeouts);
                                } catch (Exception e) {
                                    probeFailure[0] = e.toString();
                                }
                            },
                            "probe-" + p);
            probers.add(prober);
            prober.start();
        }
        List<String> lagSeries = new ArrayList<>();
        long maxLag = 0;
        long ackedAtWindow = 0;
        boolean windowOpen = false;
        long lastLag = 0;
        long every = TimeUnit.SECONDS.toNanos(options.quick() ? 1 : 5);
        for (long next = started + every; System.nanoTime() < windowEnd; next += every) {
            long wait = Math.min(next, windowEnd) - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            if (!windowOpen && System.nanoTime() >= windowStart) {
                ackedAtWindow = acked.get();
                windowOpen = true;
            }
            var lags = lag.read();
            long metering = Lag.total(lags, Phases.METERING, Topics.SESSION_COMPLETED.name());
            long dashboard = Lag.total(lags, Phases.DASHBOARD, Topics.USAGE_STATE.name());
            lastLag = metering;
            if (windowOpen) {
                maxLag = Math.max(maxLag, metering);
            }
            lagSeries.add(
                    String.format(
                            Locale.ROOT,
                            "%.0f s: %,d/%,d",
                            (System.nanoTime() - started) / 1e9,
                            metering,
                            dashboard));
        }
        double window = (System.nanoTime() - windowStart) / 1e9;
        double achieved = (acked.get() - ackedAtWindow) / window;
        for (Thread prober : probers) {
            prober.join();
        }
        stop.set(true);
        background.join();
        Latencies inWindow = new Latencies();
        for (List<long[]> mine : samples) {
            for (long[] sample : mine) {
                if (sample[0] >= windowStart) {
                    inWindow.add(sample[1]);
                }
            }
        }
        SystemBench.log("steady: lag (metering sessions / dashboard states) %s", lagSeries);
        rows.add(
                Row.of(
                                "steady",
                                "sessions/s published and acknowledged",
                                achieved,
                                "/s",
                                Target.atLeast(RATE, "/s"))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "%d s window after %d s warm-up, %,d failed",
                                        seconds,
                                        warmup,
                                        failed.get())));
        rows.add(
                Row.of(
                                "steady",
                                "publish → visible status, p99",
                                inWindow.percentileMillis(99),
                                "ms",
                                Target.atMost(250, "ms"))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "p50 %.1f ms, max %.1f ms, %d probes%s%s",
                                        inWindow.percentileMillis(50),
                                        inWindow.percentileMillis(100),
                                        inWindow.size(),
                                        timeouts.get() == 0
                                                ? ""
                                                : String.format(
                                                        Locale.ROOT,
                                                        ", +%d not seen in %d s (percentiles are lower bounds)",
                                                        timeouts.get(),
                                                        GIVE_UP.toSeconds()),
                                        probeFailure[0] == null
                                                ? ""
                                                : ", a probe failed: " + probeFailure[0])));
        rows.add(
                Row.of(
                                "steady",
                                "metering lag at the end of the window",
                                lastLag,
                                "sessions",
                                Target.atMost(RATE, "sessions"))
                        .note(
                                "≤ one second of input = bounded; max "
                                        + Table.number(maxLag)
                                        + "; over time (metering/dashboard): "
                                        + String.join(", ", lagSeries)));
    }

    /** Paced every millisecond; a debt over 50 ms is dropped rather than sent as a burst. */
    private void background(int users, AtomicBoolean stop, AtomicLong acked, AtomicLong failed) {
        SplittableRandom random = new SplittableRandom(42);
        long maxDebt = RATE / 20;
        long dropped = 0;
        try (KafkaProducer<String, Object> producer = producer("bench-steady", 5)) {
            long start = System.nanoTime();
            long n = 0;
            while (!stop.get()) {
                long due = (System.nanoTime() - start) * RATE / 1_000_000_000L - dropped;
                if (due - n > maxDebt) {
                    dropped += due - n - maxDebt;
                    due = n + maxDebt;
                }
                for (; n < due; n++) {
                    String user = "bsteady" + run + "_" + (n % users);
                    SessionCompleted session =
                            SessionCompletedBuilder.session("bsteady" + run + "_s" + n)
                                    .user(user)
                                    .completedAt(Instant.now())
                                    .phase(
                                            "grading",
                                            "gpt-4o",
                                            500 + random.nextInt(4_000),
                                            random.nextInt(1_000),
                                            100 + random.nextInt(1_000))
                                    .build();
                    producer.send(
                            new ProducerRecord<>(Topics.SESSION_COMPLETED.name(), user, session),
                            (metadata, error) -> {
                                if (error == null) {
                                    acked.incrementAndGet();
                                } else {
                                    failed.incrementAndGet();
                                }
                            });
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** One probe thread: its own FREE users, one probe at a time with a short pause. */
    private void probe(int index, long until, List<long[]> samples, AtomicLong timeouts)
            throws Exception {
        SplittableRandom random = new SplittableRandom(index);
        List<String> users = new ArrayList<>();
        Map<String, String> tokens = new HashMap<>();
        Map<String, long[]> known = new HashMap<>();
        Map<String, String> etags = new HashMap<>();
        for (int i = 0; i < USERS_PER_PROBE_THREAD; i++) {
            String user = "bprobe" + run + "_" + index + "_" + i;
            users.add(user);
            tokens.put(
                    user,
                    TestJwts.user(user).expiresAt(Instant.now().plus(Duration.ofHours(2))).token());
        }
        KeepAliveHttpClient http = new KeepAliveHttpClient(stack.port(Phases.DASHBOARD));
        try (KafkaProducer<String, Object> producer = producer("bench-probe-" + index, 0)) {
            for (int next = 0; System.nanoTime() < until && !users.isEmpty(); next++) {
                String user = users.get(next % users.size());
                long before = tokensUsed(http, user, tokens.get(user), known, etags);
                long expected = before + PROBE_TOKENS;
                SessionCompleted session =
                        SessionCompletedBuilder.session("bprobe" + run + "_" + index + "_s" + next)
                                .user(user)
                                .completedAt(Instant.now())
                                .phase("grading", "gpt-4o", 1_200, 300, 400)
                                .phase("feedback", "gpt-4o-mini", 500, 0, 150)
                                .build();
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.SESSION_COMPLETED.name(), user, session));
                long poll = sent;
                while (true) {
                    poll += POLL_NANOS;
                    long wait = poll - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } else {
                        poll = System.nanoTime();
                    }
                    long now = tokensUsed(http, user, tokens.get(user), known, etags);
                    if (now == expected) {
                        samples.add(new long[] {sent, System.nanoTime() - sent});
                        break;
                    }
                    if (now > expected) {
                        throw new IllegalStateException(
                                user + " shows " + now + " tokens, expected " + expected);
                    }
                    if (System.nanoTime() - sent > GIVE_UP.toNanos()) {
                        // Still on its way: it would spoil this user's next expectation.
                        timeouts.incrementAndGet();
                        users.remove(user);
                        break;
                    }
                }
                Thread.sleep(10 + random.nextInt(30));
            }
        } finally {
            http.close();
        }
    }

    private static long tokensUsed(
            KeepAliveHttpClient http,
            String user,
            String token,
            Map<String, long[]> known,
            Map<String, String> etags)
            throws IOException {
        KeepAliveHttpClient.Response answer =
                http.get(
                        "/api/subscription/status",
                        "Authorization: Bearer " + token,
                        "Accept: application/json",
                        etags.containsKey(user) ? "If-None-Match: " + etags.get(user) : null);
        if (answer.status() == 304) {
            return known.get(user)[0];
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("status of " + user + " answered " + answer.status());
        }
        long used = tokensUsed(answer.bodyText());
        known.put(user, new long[] {used});
        etags.put(user, answer.etag());
        return used;
    }

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

    private KafkaProducer<String, Object> producer(String clientId, int lingerMs) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        return new KafkaProducer<>(
                config, new StringSerializer(), new AvroSingleObjectSerializer());
    }
}
