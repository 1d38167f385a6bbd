package io.tokenmeter.metering.benchmark;

import com.zaxxer.hikari.HikariDataSource;
import io.tokenmeter.events.PhaseUsage;
import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.metering.reservation.Admission;
import io.tokenmeter.metering.reservation.AdmissionBatches;
import io.tokenmeter.metering.reservation.ReservationEvents;
import io.tokenmeter.metering.reservation.ReservationRequest;
import io.tokenmeter.metering.reservation.Reservations;
import io.tokenmeter.metering.reservation.jdbc.JdbcReservationStore;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.KeepAliveHttpClient;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reservations under load, on the real broker and PostgreSQL. Not a test (surefire's includes do
 * not match {@code *Benchmark}); run it with
 *
 * <pre>
 * ./mvnw -B -o -pl usage-metering-service -am verify -Dtest=ReservationBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dbench.seconds=30 -Dbench.clients=64]
 *     [-Dbench.core=false] [-Dbench.service=false] [-Dbench.metering.rate=5000] [-Dbench.service.pool=10]
 * </pre>
 *
 * <ol>
 *   <li>Admission alone, in this JVM: {@code CLIENTS} threads reserving for {@code USERS} users
 *       through {@link AdmissionBatches} (as the HTTP path does: concurrent requests decided in
 *       batches, row locks per user, READ COMMITTED), then one transaction per request, then the
 *       naive baseline (one SERIALIZABLE transaction per reservation, retried on serialization
 *       failure), on the same pool: the ratios.
 *   <li>The service over HTTP: {@code CLIENTS} keep-alive clients reserving (one in five holds
 *       released by {@code DELETE}), while the others' sessions are published to {@code
 *       grading.session-completed.v1} at {@code METERING_RATE} per second and settle their holds.
 *       Then the invariant, per user: {@code used + live holds ≤ limit}, every published session
 *       counted once, and no hold left for a metered session.
 * </ol>
 */
class ReservationBenchmark {

    static final int CLIENTS = Integer.getInteger("bench.clients", 64);
    static final int USERS = Integer.getInteger("bench.users", 1_000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    static final int SECONDS = Integer.getInteger("bench.seconds", 30);
    static final int CORE_SECONDS = Integer.getInteger("bench.core.seconds", 10);
    static final int METERING_RATE = Integer.getInteger("bench.metering.rate", 5_000);
    static final int POOL = Integer.getInteger("bench.pool", 10);
    static final long LIMIT = 1_200_000;

    @Test
    void run() throws Exception {
        System.out.printf(
                "machine: %d cores, load average %s; %d clients, %d users%n",
                Runtime.getRuntime().availableProcessors(),
                new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg")))
                        .trim(),
                CLIENTS,
                USERS);
        if (Boolean.parseBoolean(System.getProperty("bench.core", "true"))) {
            double batched = admissionAlone("batched (AdmissionBatches, as served)", Mode.BATCHED);
            double single =
                    admissionAlone("one transaction per request (row lock)", Mode.PER_REQUEST);
            double naive =
                    admissionAlone("naive: SERIALIZABLE transaction per reservation", Mode.NAIVE);
            System.out.printf(
                    "ratio batched / naive SERIALIZABLE: %.1fx; per request / naive: %.1fx%n",
                    batched / naive, single / naive);
        }
        if (Boolean.parseBoolean(System.getProperty("bench.service", "true"))) {
            service();
        }
    }

    // --- 1. admission alone

    enum Mode {
        BATCHED,
        PER_REQUEST,
        NAIVE
    }

    double admissionAlone(String name, Mode mode) throws Exception {
        TestDatabase database =
                TestInfrastructure.createDatabase(
                        mode == Mode.NAIVE ? NaiveAdmission.class : Admission.class);
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .schemas("metering")
                .load()
                .migrate();
        try (HikariDataSource pool = pool(database)) {
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            subscribeEveryone(jdbc);
            Reservations reservations =
                    new Reservations(
                            new JdbcReservationStore(jdbc),
                            new SpringTransactions(
                                    new TransactionTemplate(
                                            new DataSourceTransactionManager(pool))),
                            NO_EVENTS,
                            Clock.systemUTC());
            NaiveAdmission baseline = new NaiveAdmission(pool);
            AdmissionBatches batches = new AdmissionBatches(reservations, 3, 64);
            Load load =
                    run(
                            CORE_SECONDS / 2,
                            CORE_SECONDS,
                            () -> {
                                String user = randomUser();
                                String session = UUID.randomUUID().toString();
                                long tokens = randomTokens();
                                ReservationRequest request =
                                        new ReservationRequest(user, session, tokens, null);
                                return switch (mode) {
                                    case NAIVE -> baseline.reserve(user, session, tokens);
                                    case PER_REQUEST ->
                                            reservations.reserve(request)
                                                    instanceof Admission.Granted;
                                    case BATCHED ->
                                            batches.reserve(request) instanceof Admission.Granted;
                                };
                            });
            batches.close();
            System.out.printf("%s: %s%n", name, load);
            checkInvariant(jdbc, 0);
            return load.rate();
        }
    }

    /** What a straightforward implementation does: let SERIALIZABLE find the conflicts. */
    static final class NaiveAdmission {
        private final HikariDataSource pool;
        final AtomicLong retries = new AtomicLong();

        NaiveAdmission(HikariDataSource pool) {
            this.pool = pool;
        }

        boolean reserve(String user, String session, long tokens) throws SQLException {
            while (true) {
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                    try {
                        long room;
                        try (PreparedStatement s =
                                c.prepareStatement(
                                        "select p.period_start,"
                                                + " coalesce((select t.tokens from usage_total t"
                                                + " where t.user_id = p.user_id"
                                                + " and t.period_start = p.bucket), 0)"
                                                + " + (select coalesce(sum(tokens), 0) from"
                                                + " reservation r where r.user_id = p.user_id"
                                                + " and r.expires_at > now()) as taken"
                                                + " from user_plan p where p.user_id = ?")) {
                            s.setString(1, user);
                            try (ResultSet rs = s.executeQuery()) {
                                rs.next();
                                room = LIMIT - rs.getLong("taken");
                            }
                        }
                        boolean granted = tokens <= room;
                        if (granted) {
                            try (PreparedStatement s =
                                    c.prepareStatement(
                                            "insert into reservation (session_id, user_id, tokens,"
                                                    + " expires_at, created_at)"
                                                    + " values (?, ?, ?, now() + interval '15"
                                                    + " minutes', now())")) {
                                s.setString(1, session);
                                s.setString(2, user);
                                s.setLong(3, tokens);
                                s.executeUpdate();
                            }
                        }
                        c.commit();
                        return granted;
                    } catch (SQLException e) {
                        c.rollback();
                        if (!"40001".equals(e.getSQLState())) {
                            throw e;
                        }
                        retries.incrementAndGet();
                    }
                }
            }
        }
    }

    // --- 2. the service over HTTP while sessions are metered

    void service() throws Exception {
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        TestKafka.createCatalogueTopics();
        TestDatabase database = TestInfrastructure.createDatabase(ReservationBenchmark.class);
        ConfigurableApplicationContext app = startService(bootstrap, database);
        try (HikariDataSource pool = pool(database);
                KafkaProducer<String, byte[]> producer =
                        MeteringBenchmark.fastProducer(bootstrap)) {
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            subscribeEveryone(jdbc);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            ConcurrentLinkedQueue<String[]> toSettle = new ConcurrentLinkedQueue<>();
            AtomicLong published = new AtomicLong();
            AtomicLong released = new AtomicLong();
            AtomicBoolean metering = new AtomicBoolean(true);
            Thread publisher =
                    new Thread(() -> publish(producer, toSettle, published, metering), "publisher");
            publisher.start();
            ThreadLocal<KeepAliveHttpClient> clients =
                    ThreadLocal.withInitial(() -> new KeepAliveHttpClient(port));
            long start = System.nanoTime();
            Load load =
                    run(
                            WARMUP,
                            SECONDS,
                            () -> {
                                String user = randomUser();
                                String session = UUID.randomUUID().toString();
                                long tokens = randomTokens();
                                KeepAliveHttpClient http = clients.get();
                                KeepAliveHttpClient.Response answer =
                                        http.send(post(user, session, tokens));
                                if (answer.status() == 201) {
                                    if (ThreadLocalRandom.current().nextInt(5) == 0) {
                                        http.send(delete(user, session));
                                        released.incrementAndGet();
                                    } else {
                                        toSettle.add(
                                                new String[] {
                                                    user, session, Long.toString(tokens)
                                                });
                                    }
                                    return true;
                                }
                                if (answer.status() != 409) {
                                    throw new IllegalStateException(
                                            answer.status() + " " + answer.bodyText());
                                }
                                return false;
                            });
            double elapsed = (System.nanoTime() - start) / 1e9;
            metering.set(false);
            publisher.join();
            System.out.printf(
                    "service over HTTP: %s; %,d holds released by DELETE (not counted as"
                            + " requests); %,d sessions published in %.1f s (%,.0f/s), %,d holds"
                            + " left to expire%n",
                    load,
                    released.get(),
                    published.get(),
                    elapsed,
                    published.get() / elapsed,
                    toSettle.size());
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (ledger(jdbc) < published.get() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (ledger(jdbc) != published.get()) {
                throw new IllegalStateException(
                        "ledger " + ledger(jdbc) + " != published " + published.get());
            }
            checkInvariant(jdbc, published.get());
        } finally {
            app.close();
        }
    }

    /**
     * The service with its defaults, except the pool size when {@code bench.service.pool} is set.
     */
    static ConfigurableApplicationContext startService(String bootstrap, TestDatabase database) {
        String pool = System.getProperty("bench.service.pool");
        if (pool == null) {
            return MeteringBenchmark.startService(bootstrap, database);
        }
        System.setProperty("spring.datasource.hikari.maximum-pool-size", pool);
        try {
            return MeteringBenchmark.startService(bootstrap, database);
        } finally {
            System.clearProperty("spring.datasource.hikari.maximum-pool-size");
        }
    }

    /** Publishes the granted sessions at {@code METERING_RATE}, each using what it held. */
    static void publish(
            KafkaProducer<String, byte[]> producer,
            ConcurrentLinkedQueue<String[]> toSettle,
            AtomicLong published,
            AtomicBoolean running) {
        String topic = Topics.SESSION_COMPLETED.name();
        if (METERING_RATE == 0) {
            return;
        }
        long interval = 1_000_000_000L / METERING_RATE;
        long next = System.nanoTime();
        while (running.get()) {
            String[] hold = toSettle.poll();
            if (hold == null) {
                LockSupport.parkNanos(1_000_000);
                next = System.nanoTime();
                continue;
            }
            SessionCompleted session =
                    new SessionCompleted(
                            hold[1],
                            hold[0],
                            Instant.now(),
                            List.of(
                                    new PhaseUsage(
                                            "grading", "gpt-4o", Long.parseLong(hold[2]), 0L, 0L)));
            producer.send(
                    new ProducerRecord<>(
                            topic,
                            hold[0],
                            MeteringBenchmark.SERIALIZER.serialize(topic, session)));
            published.incrementAndGet();
            next += interval;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        producer.flush();
    }

    static byte[] post(String user, String session, long tokens) {
        String body = "{\"session_id\":\"" + session + "\",\"tokens\":" + tokens + "}";
        return ("POST /api/usage/"
                        + user
                        + "/reservations HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer bench\r\nContent-Type: application/json\r\n"
                        + "Content-Length: "
                        + body.length()
                        + "\r\n\r\n"
                        + body)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] delete(String user, String session) {
        return ("DELETE /api/usage/"
                        + user
                        + "/reservations/"
                        + session
                        + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer bench\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    // --- shared

    interface Call {
        boolean call() throws Exception;
    }

    /** Requests per second, latency percentiles, grants. */
    record Load(long requests, long granted, double seconds, long[] sortedNanos) {
        double rate() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            return sortedNanos[(int) Math.min(sortedNanos.length - 1, p * sortedNanos.length)]
                    / 1e6;
        }

        @Override
        public String toString() {
            return String.format(
                    "%,d reservations in %.1f s = %,.0f req/s (%,d granted), latency p50 %.2f ms,"
                            + " p99 %.2f ms, p99.9 %.2f ms",
                    requests,
                    seconds,
                    rate(),
                    granted,
                    percentileMillis(0.50),
                    percentileMillis(0.99),
                    percentileMillis(0.999));
        }
    }

    /** {@code CLIENTS} threads calling as fast as they can; measures after the warm-up. */
    static Load run(int warmupSeconds, int seconds, Call call) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        List<long[]> latencies = new ArrayList<>();
        long[] counts = new long[CLIENTS * 2];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            int index = t;
            long[] mine = new long[4_000_000 / CLIENTS];
            latencies.add(mine);
            Thread thread =
                    new Thread(
                            () -> {
                                int n = 0;
                                try {
                                    while (running.get()) {
                                        long begin = System.nanoTime();
                                        boolean granted = call.call();
                                        long took = System.nanoTime() - begin;
                                        if (measuring.get() && n < mine.length) {
                                            mine[n++] = took;
                                            counts[index * 2]++;
                                            if (granted) {
                                                counts[index * 2 + 1]++;
                                            }
                                        }
                                    }
                                } catch (Throwable e) {
                                    failures.add(e);
                                }
                                mine[mine.length - 1] = -n;
                            });
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(warmupSeconds * 1000L);
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - start) / 1e9;
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed", failures.get(0));
        }
        long requests = 0;
        long granted = 0;
        for (int t = 0; t < CLIENTS; t++) {
            requests += counts[t * 2];
            granted += counts[t * 2 + 1];
        }
        long[] all = new long[(int) requests];
        int at = 0;
        for (int t = 0; t < CLIENTS; t++) {
            long[] mine = latencies.get(t);
            int n = (int) counts[t * 2];
            System.arraycopy(mine, 0, all, at, n);
            at += n;
        }
        Arrays.sort(all);
        return new Load(requests, granted, elapsed, all);
    }

    static String randomUser() {
        return "user-" + ThreadLocalRandom.current().nextInt(USERS);
    }

    static long randomTokens() {
        return 1_000 + ThreadLocalRandom.current().nextInt(2_000);
    }

    static HikariDataSource pool(TestDatabase database) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.username());
        pool.setPassword(database.password());
        pool.setSchema("metering");
        pool.setMaximumPoolSize(POOL);
        return pool;
    }

    /** Every user on ESSENTIEL (1,200,000 tokens) in a period around now. */
    static void subscribeEveryone(JdbcTemplate jdbc) {
        Instant start = Instant.now().minus(Duration.ofDays(1));
        Timestamp from = Timestamp.from(start);
        Timestamp to = Timestamp.from(start.plus(Duration.ofDays(30)));
        for (int u = 0; u < USERS; u++) {
            String user = "user-" + u;
            jdbc.update(
                    "insert into subscription_change (user_id, tier, status, period_start,"
                            + " period_end, stripe_event_created, updated_at)"
                            + " values (?, 'ESSENTIEL', 'active', ?, ?, ?, ?)",
                    user,
                    from,
                    to,
                    from,
                    from);
            jdbc.update(
                    "insert into billing_segment (user_id, segment_start, segment_end,"
                            + " period_start, tier) values (?, ?, ?, ?, 'ESSENTIEL')",
                    user,
                    from,
                    to,
                    from);
            jdbc.update(
                    "insert into user_plan (user_id, tier, period_start, period_end, bucket)"
                            + " values (?, 'ESSENTIEL', ?, ?, ?)",
                    user,
                    from,
                    to,
                    from);
        }
    }

    static long ledger(JdbcTemplate jdbc) {
        return jdbc.queryForObject("select count(*) from session_ledger", Long.class);
    }

    /** Per user, used + live holds ≤ limit; and no hold for a metered session. */
    static void checkInvariant(JdbcTemplate jdbc, long sessions) {
        Long over =
                jdbc.queryForObject(
                        "select count(*) from user_plan p where coalesce((select tokens from"
                                + " usage_total t where t.user_id = p.user_id and t.period_start"
                                + " = p.bucket), 0) + (select coalesce(sum(tokens), 0) from"
                                + " reservation r where r.user_id = p.user_id and r.expires_at >"
                                + " now()) > ?",
                        Long.class,
                        LIMIT);
        Long orphans =
                jdbc.queryForObject(
                        "select count(*) from reservation join session_ledger using (session_id)",
                        Long.class);
        System.out.printf(
                "invariant: %d users over their limit, %d holds of metered sessions, %,d sessions"
                        + " counted%n",
                over, orphans, sessions);
        if (over != 0 || orphans != 0) {
            throw new IllegalStateException("invariant broken");
        }
    }

    static final ReservationEvents NO_EVENTS =
            new ReservationEvents() {
                @Override
                public void granted(io.tokenmeter.metering.reservation.Hold hold) {}

                @Override
                public void raised(io.tokenmeter.metering.reservation.Hold hold, long previous) {}

                @Override
                public void refused(String userId, long tokens) {}

                @Override
                public void released(io.tokenmeter.metering.reservation.Hold hold) {}

                @Override
                public void expired(List<io.tokenmeter.metering.reservation.Hold> holds) {}

                @Override
                public void settled(
                        io.tokenmeter.metering.reservation.Hold hold, boolean live, long used) {}

                @Override
                public void held(long tokens) {}
            };
}
