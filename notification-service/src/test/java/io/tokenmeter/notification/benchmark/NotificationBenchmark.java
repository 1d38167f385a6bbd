package io.tokenmeter.notification.benchmark;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.notification.NotificationApplication;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestKafka;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * notification-service end to end on the real broker and PostgreSQL, mailing a GreenMail SMTP
 * server and posting webhooks to a JDK HTTP server, both in this process (not run by {@code
 * verify}; see docs/benchmarks/notification-service.md for the command).
 *
 * <ol>
 *   <li>Naive baseline: a plain consumer that sends each crossing's email and webhook inline, then
 *       commits, on {@code NAIVE_N} crossings.
 *   <li>Latency: crossings at a steady {@code RATE}/s for {@code LATENCY_SECONDS}; from the
 *       crossing (its {@code crossed_at}, set when published) to the SMTP server accepting the
 *       email.
 *   <li>Burst: {@code N} crossings for {@code N} users published at once; from the first publish
 *       until every email and webhook was accepted.
 * </ol>
 */
public final class NotificationBenchmark {

    static final int N = Integer.getInteger("bench.n", 100_000);
    static final int NAIVE_N = Integer.getInteger("bench.naive.n", 2_000);
    static final int RATE = Integer.getInteger("bench.rate", 200);
    static final int LATENCY_SECONDS = Integer.getInteger("bench.latency.seconds", 30);
    static final String SENDERS = System.getProperty("bench.senders", "8");
    static final Instant PERIOD = Instant.parse("2026-12-01T00:00:00Z");
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    /** When the SMTP server accepted each recipient's email (the handler runs before its 250). */
    static final Map<String, Long> accepted = new ConcurrentHashMap<>();

    static final AtomicLong webhooks = new AtomicLong();

    public static void main(String[] args) {
        // The broker's and the service's threads would keep a failed run alive forever.
        try {
            run();
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void run() throws Exception {
        // The service names Jakarta Mail's StreamProvider (MailConfiguration); set here first, the
        // naive sender and the SMTP server in this JVM skip the same classpath scans.
        System.setProperty(
                "jakarta.mail.util.StreamProvider",
                "org.eclipse.angus.mail.util.MailStreamProvider");
        System.out.printf(
                "machine: %d cores, load average %s%n",
                Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        TestKafka.createCatalogueTopics();
        GreenMail smtp = startSmtp();
        HttpServer receiver = startReceiver();
        String webhookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        try {
            double naive = naive(bootstrap, smtp, webhookUrl);

            TestDatabase database = TestInfrastructure.createDatabase(NotificationBenchmark.class);
            ConfigurableApplicationContext app =
                    startService(bootstrap, database, smtp, webhookUrl);
            try (KafkaProducer<String, Object> producer = TestKafka.producer();
                    Connection db = connect(database)) {
                contacts(db, "w", 1_000);
                burst(producer, db, "w", 1_000);
                System.out.println("warm-up: 1,000 crossings delivered");

                contacts(db, "l", RATE * LATENCY_SECONDS);
                latency(producer, "l");

                contacts(db, "b", N);
                double rate = burst(producer, db, "b", N);
                System.out.printf("ratio service / naive (notifications/s): %.1fx%n", rate / naive);
            } finally {
                app.close();
            }
        } finally {
            receiver.stop(0);
            smtp.stop();
        }
    }

    // --- the service

    static ConfigurableApplicationContext startService(
            String bootstrap, TestDatabase database, GreenMail smtp, String webhookUrl) {
        return new SpringApplicationBuilder(NotificationApplication.class)
                .run(
                        "--spring.kafka.bootstrap-servers=" + bootstrap,
                        "--spring.datasource.url=" + database.jdbcUrl(),
                        "--spring.datasource.username=" + database.username(),
                        "--spring.datasource.password=" + database.password(),
                        "--spring.datasource.hikari.maximum-pool-size=20",
                        "--spring.kafka.consumer.group-id=bench-" + UUID.randomUUID(),
                        "--spring.mail.host=127.0.0.1",
                        "--spring.mail.port=" + smtp.getSmtp().getPort(),
                        "--server.port=0",
                        "--tokenmeter.notification.api-token=bench",
                        "--tokenmeter.notification.webhook.url=" + webhookUrl,
                        "--tokenmeter.notification.webhook.secrets=" + SECRET,
                        "--tokenmeter.notification.delivery.senders=" + SENDERS,
                        "--tokenmeter.notification.delivery.idle-poll=20ms",
                        "--logging.level.org.apache.kafka=WARN");
    }

    static void contacts(Connection db, String prefix, int users) throws Exception {
        try (PreparedStatement insert =
                db.prepareStatement(
                        "INSERT INTO notification.contacts (user_id, email, locale, updated_at)"
                                + " VALUES (?, ?, 'fr', now())")) {
            for (int i = 0; i < users; i++) {
                insert.setString(1, user(prefix, i));
                insert.setString(2, user(prefix, i) + "@bench.test");
                insert.addBatch();
                if (i % 5_000 == 4_999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
    }

    static double burst(KafkaProducer<String, Object> producer, Connection db, String prefix, int n)
            throws Exception {
        long sentBefore = count(db, "SENT");
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            UsageThresholdCrossed crossing = crossing(user(prefix, i));
            producer.send(
                    new ProducerRecord<>(
                            Topics.USAGE_THRESHOLD.name(), crossing.getUserId(), crossing));
        }
        producer.flush();
        double published = (System.nanoTime() - start) / 1e9;
        long target = sentBefore + 2L * n;
        long sent;
        while ((sent = count(db, "SENT")) < target) {
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (n >= 10_000) {
            System.out.printf(
                    "burst: %,d crossings published in %.2f s; all %,d emails and %,d webhooks"
                            + " accepted %.2f s after the first publish = %,.0f notifications/s"
                            + " (%,.0f deliveries/s); failed or pending: %,d%n",
                    n,
                    published,
                    n,
                    n,
                    seconds,
                    n / seconds,
                    2 * n / seconds,
                    count(db, "FAILED") + count(db, "PENDING"));
        }
        return n / seconds;
    }

    static void latency(KafkaProducer<String, Object> producer, String prefix) throws Exception {
        int n = RATE * LATENCY_SECONDS;
        long[] publishedAt = new long[n];
        long interval = 1_000_000_000L / RATE;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long due = start + i * interval;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            UsageThresholdCrossed crossing = crossing(user(prefix, i));
            publishedAt[i] = crossing.getCrossedAt().toEpochMilli();
            producer.send(
                    new ProducerRecord<>(
                            Topics.USAGE_THRESHOLD.name(), crossing.getUserId(), crossing));
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && !allAccepted(prefix, n)) {
            Thread.sleep(50);
        }
        long[] latencies = new long[n];
        for (int i = 0; i < n; i++) {
            Long at = accepted.get(user(prefix, i) + "@bench.test");
            latencies[i] = at == null ? Long.MAX_VALUE : at - publishedAt[i];
        }
        Arrays.sort(latencies);
        System.out.printf(
                "latency at %d crossings/s for %d s (%,d crossings), crossing → email accepted"
                        + " by SMTP: p50 %d ms, p90 %d ms, p99 %d ms, max %s ms%n",
                RATE,
                LATENCY_SECONDS,
                n,
                latencies[n / 2],
                latencies[(int) (n * 0.9)],
                latencies[(int) (n * 0.99)],
                latencies[n - 1] == Long.MAX_VALUE ? "(some never)" : latencies[n - 1]);
    }

    static boolean allAccepted(String prefix, int n) {
        for (int i = n - 1; i >= 0; i--) {
            if (!accepted.containsKey(user(prefix, i) + "@bench.test")) {
                return false;
            }
        }
        return true;
    }

    // --- the naive baseline: send inline from the listener

    static double naive(String bootstrap, GreenMail smtp, String webhookUrl) throws Exception {
        String topic = "bench.naive.usage-threshold." + UUID.randomUUID();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
            // A producer that starts before every partition has its leader fails its first sends.
            while (!hasLeaders(admin, topic)) {
                Thread.sleep(100);
            }
            Thread.sleep(1_000);
        }
        try (KafkaProducer<String, Object> producer = TestKafka.producer()) {
            for (int i = 0; i < NAIVE_N; i++) {
                UsageThresholdCrossed crossing = crossing(user("n", i));
                producer.send(new ProducerRecord<>(topic, crossing.getUserId(), crossing));
            }
        }
        JavaMailSenderImpl mail = new JavaMailSenderImpl();
        mail.setHost("127.0.0.1");
        mail.setPort(smtp.getSmtp().getPort());
        HttpClient http = HttpClient.newHttpClient();
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "naive-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int done = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<String, org.apache.avro.specific.SpecificRecord> consumer =
                new KafkaConsumer<>(
                        config,
                        new StringDeserializer(),
                        new io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (done < NAIVE_N) {
                for (ConsumerRecord<String, org.apache.avro.specific.SpecificRecord> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    UsageThresholdCrossed crossing = (UsageThresholdCrossed) record.value();
                    var message = mail.createMimeMessage();
                    MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
                    helper.setFrom("notifications@bench.test");
                    helper.setTo(crossing.getUserId() + "@bench.test");
                    helper.setSubject("Vous avez utilisé 70 % de vos tokens");
                    helper.setText("Bonjour", "<p>Bonjour</p>");
                    mail.send(message);
                    http.send(
                            HttpRequest.newBuilder(URI.create(webhookUrl))
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                    consumer.commitSync(
                            Map.of(
                                    new org.apache.kafka.common.TopicPartition(
                                            record.topic(), record.partition()),
                                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(
                                            record.offset() + 1)));
                    done++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = NAIVE_N / seconds;
        System.out.printf(
                "naive baseline (email and webhook sent inline by the listener, one commit per"
                        + " record): %,d crossings in %.2f s = %,.0f notifications/s%n",
                NAIVE_N, seconds, rate);
        return rate;
    }

    /** Whether every partition of the new topic has a leader (false while it is not known yet). */
    static boolean hasLeaders(Admin admin, String topic) throws InterruptedException {
        try {
            return admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions()
                    .stream()
                    .noneMatch(partition -> partition.leader() == null);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause()
                    instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw new IllegalStateException(e);
        }
    }

    // --- receivers

    static GreenMail startSmtp() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        GreenMail smtp =
                new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        GreenMailUser sink = smtp.getUserManager().createUser("sink@bench.test", "sink", "sink");
        smtp.getUserManager()
                .setMessageDeliveryHandler(
                        (message, address) -> {
                            accepted.putIfAbsent(address.getEmail(), System.currentTimeMillis());
                            return sink;
                        });
        // Mails are counted above; the server need not keep 100,000 of them in memory.
        Thread purger =
                new Thread(
                        () -> {
                            while (true) {
                                try {
                                    Thread.sleep(2_000);
                                    smtp.purgeEmailFromAllMailboxes();
                                } catch (Exception e) {
                                    return;
                                }
                            }
                        },
                        "smtp-purger");
        purger.setDaemon(true);
        purger.start();
        return smtp;
    }

    static HttpServer startReceiver() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext(
                "/hooks",
                exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    webhooks.incrementAndGet();
                    exchange.sendResponseHeaders(204, -1);
                    exchange.close();
                });
        server.start();
        return server;
    }

    // --- data

    static String user(String prefix, int i) {
        return "bench-" + prefix + "-" + i;
    }

    static UsageThresholdCrossed crossing(String user) {
        return UsageThresholdCrossed.newBuilder()
                .setUserId(user)
                .setThresholdPercent(70)
                .setTokensUsed(4_200_000)
                .setLimit(6_000_000)
                .setPeriodStart(PERIOD)
                .setCrossedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    static Connection connect(TestDatabase database) throws Exception {
        return DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
    }

    static long count(Connection db, String status) throws Exception {
        try (Statement statement = db.createStatement();
                ResultSet row =
                        statement.executeQuery(
                                "SELECT count(*) FROM notification.deliveries WHERE status = '"
                                        + status
                                        + "'")) {
            row.next();
            return row.getLong(1);
        }
    }
}
