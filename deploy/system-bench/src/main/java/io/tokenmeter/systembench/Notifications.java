package io.tokenmeter.systembench;

import io.tokenmeter.events.UsageThresholdCrossed;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.schemas.avro.AvroSingleObjectDeserializer;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecord;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 17's targets against the running notification-service jar. Every user gets an address
 * through the contract's {@code PUT /api/notifications/contacts/{user_id}} (service token), then 70
 * % crossings are published on {@code billing.usage-threshold.v1} as metering would (Avro, keyed by
 * user), and the bench's own SMTP server ({@link MailSink}) and webhook endpoint ({@link
 * WebhookSink}) stamp what arrives:
 *
 * <ol>
 *   <li>naive baseline: the bench's own consumer reads crossings from a topic of its own and, for
 *       each, sends the email (a connection per mail) and the signed webhook, then commits;
 *   <li>burst: 100,000 crossings for 100,000 users published at once; first publish → every email
 *       accepted and every webhook received;
 *   <li>steady: 200 crossings/s for 60 s; each crossing's publish → its email accepted;
 *   <li>every crossing of the burst and the steady part told exactly once by each channel.
 * </ol>
 */
final class Notifications {

    static final int STEADY_RATE = 200;
    static final Duration STEADY_GIVE_UP = Duration.ofSeconds(30);
    static final String DOMAIN = "bench.test";
    static final int CONTACT_CONNECTIONS = 16;

    private final Stack stack;
    private final Options options;
    private final String run;
    private final List<Row> rows;

    Notifications(Stack stack, Options options, String run, List<Row> rows) {
        this.stack = stack;
        this.options = options;
        this.run = run;
        this.rows = rows;
    }

    static String address(String user) {
        return user + "@" + DOMAIN;
    }

    static List<String> users(String prefix, int count) {
        List<String> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(prefix + "_" + i);
        }
        return users;
    }

    void run() throws Exception {
        String prefix = "bnot" + run;
        List<String> burst = users(prefix + "b", options.scaled(100_000));
        int steadySeconds = options.quick() ? 6 : 60;
        List<String> steady = users(prefix + "s", STEADY_RATE * steadySeconds);
        awaitOutboxIdle(Duration.ofMinutes(3));

        Naive naive = naive(prefix + "n", options.scaled(2_000), options.quick() ? 10 : 30);
        SystemBench.log(
                "notifications: naive baseline %,d crossings in %.1f s = %.1f/s",
                naive.done(), naive.seconds(), naive.perSecond());

        List<String> everyone = new ArrayList<>(burst);
        everyone.addAll(steady);
        HttpLoad.Result contacts = putContacts(everyone);
        SystemBench.log(
                "notifications: %,d contacts in %.1f s (%,.0f/s), %d refused",
                contacts.ok(), contacts.seconds(), contacts.perSecond(), contacts.failed());
        if (contacts.failed() > 0) {
            throw new IllegalStateException(
                    contacts.failed() + " contacts refused: " + contacts.firstFailure());
        }
        rows.add(
                Row.of(
                                "notifications",
                                "contacts set over PUT /api/notifications/contacts/{user_id}, 16 connections",
                                contacts.perSecond(),
                                "/s",
                                null)
                        .note(String.format(Locale.ROOT, "%,d users", contacts.ok())));

        burst(prefix + "b", burst, naive);
        steady(steady);
        check(prefix, everyone);
    }

    // ---------------------------------------------------------------- contacts

    /** Each user's address through the contract's API, as the grading app sets it. */
    private HttpLoad.Result putContacts(List<String> users) throws InterruptedException {
        return HttpLoad.run(
                stack.port("notification-service"),
                CONTACT_CONNECTIONS,
                0,
                (c, n) -> {
                    long index = c + n * CONTACT_CONNECTIONS;
                    return index < users.size() ? contactRequest(users.get((int) index)) : null;
                });
    }

    static byte[] contactRequest(String user) {
        return HttpLoad.jsonRequest(
                "PUT",
                "/api/notifications/contacts/" + user,
                "Authorization: Bearer " + Stack.METERING_TOKEN,
                "{\"email\":\"" + address(user) + "\",\"locale\":\"fr\"}");
    }

    // ---------------------------------------------------------------- burst

    private void burst(String prefix, List<String> users, Naive naive) throws Exception {
        List<String> addresses = users.stream().map(Notifications::address).toList();
        Duration limit = Duration.ofSeconds(180 + users.size() / 200);
        long start = System.nanoTime();
        try (KafkaProducer<String, Object> producer = producer(20)) {
            for (String user : users) {
                producer.send(
                        new ProducerRecord<>(
                                Topics.USAGE_THRESHOLD.name(),
                                user,
                                crossing(user, Instant.now())));
            }
            producer.flush();
        }
        double published = (System.nanoTime() - start) / 1e9;
        SystemBench.log(
                "notifications: %,d crossings published in %.1f s; waiting for their emails and"
                        + " webhooks",
                users.size(), published);
        Arrivals.Tally mails;
        Arrivals.Tally hooks;
        double queued = Double.NaN;
        long nextCheck = start;
        long nextReport = start + TimeUnit.SECONDS.toNanos(10);
        try (Connection connection = stack.connection();
                PreparedStatement outbox =
                        connection.prepareStatement(
                                "SELECT count(*) FROM notification.deliveries WHERE starts_with(user_id, ?)")) {
            outbox.setString(1, prefix + "_");
            while (true) {
                mails = stack.mail().arrivals().tally(addresses);
                hooks = stack.hooks().arrivals().tally(users);
                long now = System.nanoTime();
                if (mails.complete() && hooks.complete() || now - start > limit.toNanos()) {
                    break;
                }
                // When the consumer had queued them all: what is left is delivery's.
                if (Double.isNaN(queued) && now >= nextCheck) {
                    try (ResultSet result = outbox.executeQuery()) {
                        result.next();
                        if (result.getLong(1) >= 2L * users.size()) {
                            queued = (System.nanoTime() - start) / 1e9;
                        }
                    }
                    nextCheck = now + TimeUnit.SECONDS.toNanos(1);
                }
                if (now >= nextReport) {
                    SystemBench.log(
                            "notifications: %.0f s: %,d emails, %,d webhooks",
                            (now - start) / 1e9, mails.arrived(), hooks.arrived());
                    nextReport = now + TimeUnit.SECONDS.toNanos(10);
                }
                Thread.sleep(250);
            }
        }
        double seconds;
        double rate;
        String outcome;
        if (mails.complete() && hooks.complete()) {
            seconds = (Math.max(mails.lastNanos(), hooks.lastNanos()) - start) / 1e9;
            rate = users.size() / seconds;
            outcome = "every email accepted and every webhook received";
        } else {
            seconds = limit.toSeconds();
            rate = Math.min(mails.arrived(), hooks.arrived()) / seconds;
            outcome =
                    String.format(
                            Locale.ROOT,
                            "**only %,d emails and %,d webhooks after %d s**",
                            mails.arrived(),
                            hooks.arrived(),
                            limit.toSeconds());
        }
        SystemBench.log(
                "notifications: burst %.1f s, %,.0f notifications/s (%s)", seconds, rate, outcome);
        rows.add(
                Row.of(
                                "notifications",
                                String.format(
                                        Locale.ROOT,
                                        "burst of %,d threshold crossings for as many users,"
                                                + " first publish → every email accepted by SMTP"
                                                + " and webhook received",
                                        users.size()),
                                rate,
                                "/s",
                                Target.atLeast(1_000, "/s"))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "%s in %.1f s = %,.0f deliveries/s; published in %.1f s,"
                                                + " all queued in the outbox %s",
                                        outcome,
                                        seconds,
                                        (mails.arrived() + hooks.arrived()) / seconds,
                                        published,
                                        Double.isNaN(queued)
                                                ? "within the last second"
                                                : String.format(Locale.ROOT, "at %.1f s", queued)))
                        .baseline(
                                naive.perSecond(),
                                "the bench's listener sending each email and webhook inline,"
                                        + " one commit per record",
                                true));
    }

    // ---------------------------------------------------------------- steady

    private void steady(List<String> users) throws Exception {
        int count = users.size();
        long[] publishedAt = new long[count];
        long interval = TimeUnit.SECONDS.toNanos(1) / STEADY_RATE;
        try (KafkaProducer<String, Object> producer = producer(0)) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + i * interval;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                String user = users.get(i);
                publishedAt[i] = System.nanoTime();
                producer.send(
                        new ProducerRecord<>(
                                Topics.USAGE_THRESHOLD.name(),
                                user,
                                crossing(user, Instant.now())));
            }
        }
        long lastPublished = publishedAt[count - 1];
        List<String> addresses = users.stream().map(Notifications::address).toList();
        while (System.nanoTime() - lastPublished < STEADY_GIVE_UP.toNanos()
                && !stack.mail().arrivals().tally(addresses).complete()) {
            Thread.sleep(100);
        }
        Latencies mails = new Latencies();
        Latencies hooks = new Latencies();
        int late = 0;
        for (int i = 0; i < count; i++) {
            Arrivals.Arrival mail = stack.mail().arrivals().get(addresses.get(i));
            if (mail == null) {
                late++;
            } else {
                mails.add(mail.firstNanos() - publishedAt[i]);
            }
            Arrivals.Arrival hook = stack.hooks().arrivals().get(users.get(i));
            if (hook != null) {
                hooks.add(hook.firstNanos() - publishedAt[i]);
            }
        }
        SystemBench.log(
                "notifications: steady %d/s, email p50 %.0f ms p99 %.0f ms max %.0f ms; %d late",
                STEADY_RATE,
                mails.percentileMillis(50),
                mails.percentileMillis(99),
                mails.percentileMillis(100),
                late);
        rows.add(
                Row.of(
                                "notifications",
                                String.format(
                                        Locale.ROOT,
                                        "steady %d crossings/s for %d s, publish → email accepted"
                                                + " by SMTP, p99",
                                        STEADY_RATE,
                                        count / STEADY_RATE),
                                mails.percentileMillis(99),
                                "ms",
                                Target.atMost(1_000, "ms"))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "p50 %.0f ms, max %.0f ms, %,d emails; webhooks p50 %.0f"
                                                + " ms, p99 %.0f ms%s",
                                        mails.percentileMillis(50),
                                        mails.percentileMillis(100),
                                        mails.size(),
                                        hooks.percentileMillis(50),
                                        hooks.percentileMillis(99),
                                        late == 0
                                                ? ""
                                                : String.format(
                                                        Locale.ROOT,
                                                        "; +%,d not accepted within %d s"
                                                                + " (percentiles are lower bounds)",
                                                        late,
                                                        STEADY_GIVE_UP.toSeconds()))));
    }

    // ---------------------------------------------------------------- nothing lost or doubled

    private void check(String prefix, List<String> users) throws Exception {
        List<String> addresses = users.stream().map(Notifications::address).toList();
        Arrivals.Tally mails = stack.mail().arrivals().tally(addresses);
        Arrivals.Tally hooks = stack.hooks().arrivals().tally(users);
        Map<String, Long> outbox = new TreeMap<>();
        try (Connection connection = stack.connection();
                PreparedStatement statuses =
                        connection.prepareStatement(
                                "SELECT status, count(*) FROM notification.deliveries"
                                        + " WHERE starts_with(user_id, ?) GROUP BY status")) {
            statuses.setString(1, prefix);
            try (ResultSet result = statuses.executeQuery()) {
                while (result.next()) {
                    outbox.put(result.getString(1), result.getLong(2));
                }
            }
        }
        rows.add(
                Row.of(
                                "notifications",
                                "crossings whose email or webhook was lost or doubled",
                                wrong(mails, hooks),
                                "",
                                Target.atMost(0, ""))
                        .note(
                                String.format(
                                        Locale.ROOT,
                                        "%,d crossings: emails %s, webhooks %s, %d with a bad"
                                                + " signature; outbox rows by status %s",
                                        users.size(),
                                        describe(mails),
                                        describe(hooks),
                                        stack.hooks().badSignatures(),
                                        outbox)));
    }

    /** Crossings missing or doubled on either channel. */
    static long wrong(Arrivals.Tally mails, Arrivals.Tally hooks) {
        return mails.missing() + mails.doubled() + hooks.missing() + hooks.doubled();
    }

    static String describe(Arrivals.Tally tally) {
        return String.format(
                Locale.ROOT,
                "%,d arrived (%,d missing, %,d more than once)",
                tally.arrived(),
                tally.missing(),
                tally.doubled());
    }

    // ---------------------------------------------------------------- naive baseline

    record Naive(long done, double seconds) {

        double perSecond() {
            return done / seconds;
        }
    }

    /**
     * "Send inline from the listener": crossings on a topic of the bench's own, a plain consumer
     * that for each one sends the email (Jakarta Mail, a connection per mail) and the signed
     * webhook to the same receivers, then commits its offset; timed from the first record to the
     * last one done or {@code seconds}.
     */
    private Naive naive(String prefix, int count, double seconds) throws Exception {
        String topic = "bench.naive.usage-threshold." + run;
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(
                                            topic, Topics.USAGE_THRESHOLD.partitions(), (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, Object> producer = producer(20)) {
            for (String user : users(prefix, count)) {
                producer.send(new ProducerRecord<>(topic, user, crossing(user, Instant.now())));
            }
        }
        Properties smtp = new Properties();
        smtp.put("mail.smtp.host", "127.0.0.1");
        smtp.put("mail.smtp.port", String.valueOf(stack.mail().port()));
        Session session = Session.getInstance(smtp);
        HttpClient http = HttpClient.newHttpClient();
        URI endpoint = URI.create(stack.hooks().url());
        byte[] key = WebhookSink.key(Stack.NOTIFY_WEBHOOK_SECRET);
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-naive-" + run);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long done = 0;
        long first = 0;
        long deadline = Long.MAX_VALUE;
        try (KafkaConsumer<String, SpecificRecord> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new AvroSingleObjectDeserializer())) {
            consumer.subscribe(List.of(topic));
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (done < count && System.nanoTime() < Math.min(deadline, giveUp)) {
                for (ConsumerRecord<String, SpecificRecord> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (first == 0) {
                        first = System.nanoTime();
                        deadline = first + (long) (seconds * 1e9);
                    }
                    UsageThresholdCrossed crossing = (UsageThresholdCrossed) record.value();
                    Transport.send(naiveEmail(session, crossing));
                    String body =
                            "{\"type\":\"usage.threshold_crossed\",\"data\":{\"user_id\":\""
                                    + crossing.getUserId()
                                    + "\",\"threshold_percent\":70}}";
                    String id = "naive_" + crossing.getUserId();
                    String timestamp = Long.toString(Instant.now().getEpochSecond());
                    HttpResponse<Void> answer =
                            http.send(
                                    HttpRequest.newBuilder(endpoint)
                                            .header("Content-Type", "application/json")
                                            .header("webhook-id", id)
                                            .header("webhook-timestamp", timestamp)
                                            .header(
                                                    "webhook-signature",
                                                    WebhookSink.sign(key, id, timestamp, body))
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() / 100 != 2) {
                        throw new IllegalStateException(
                                "the naive webhook was answered " + answer.statusCode());
                    }
                    consumer.commitSync(
                            Map.of(
                                    new TopicPartition(record.topic(), record.partition()),
                                    new OffsetAndMetadata(record.offset() + 1)));
                    done++;
                    if (done == count || System.nanoTime() >= deadline) {
                        break;
                    }
                }
            }
        }
        if (done == 0) {
            throw new IllegalStateException("the naive consumer received no crossing in 60 s");
        }
        return new Naive(done, (System.nanoTime() - first) / 1e9);
    }

    /** What a listener would build inline: French subject, plain-text and HTML parts. */
    private static MimeMessage naiveEmail(Session session, UsageThresholdCrossed crossing)
            throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("notifications@tokenmeter.local"));
        message.setRecipient(
                Message.RecipientType.TO, new InternetAddress(address(crossing.getUserId())));
        message.setSubject("Vous avez utilisé 70 % de vos tokens", "UTF-8");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Vous avez utilisé 70 % de vos tokens ce mois-ci.", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(
                "<p>Vous avez utilisé 70 % de vos tokens ce mois-ci.</p>",
                "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        return message;
    }

    // ---------------------------------------------------------------- data

    /**
     * A 70 % crossing of PRO's limit in this month's period, as metering publishes it for a paying
     * user (a FREE user's crossing has no period).
     */
    static UsageThresholdCrossed crossing(String user, Instant at) {
        Instant month =
                LocalDate.ofInstant(at, ZoneOffset.UTC)
                        .withDayOfMonth(1)
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
        return UsageThresholdCrossed.newBuilder()
                .setUserId(user)
                .setThresholdPercent(70)
                .setTokensUsed(4_200_000)
                .setLimit(6_000_000)
                .setPeriodStart(month)
                .setCrossedAt(at.truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    private KafkaProducer<String, Object> producer(int lingerMs) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrap());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(
                config, new StringSerializer(), new AvroSingleObjectSerializer());
    }

    /**
     * Waits until notification-service has nothing pending (earlier phases' notifications, emails
     * waiting for an address that never comes), so that the phase measures its own work.
     */
    private void awaitOutboxIdle(Duration limit) throws Exception {
        long start = System.nanoTime();
        long pending;
        try (Connection connection = stack.connection();
                PreparedStatement query =
                        connection.prepareStatement(
                                "SELECT count(*) FROM notification.deliveries WHERE status = 'PENDING'")) {
            while (true) {
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    pending = result.getLong(1);
                }
                if (pending == 0 || System.nanoTime() - start > limit.toNanos()) {
                    break;
                }
                Thread.sleep(500);
            }
        }
        SystemBench.log(
                "notifications: %,d notifications pending in the outbox after %.1f s of waiting",
                pending, (System.nanoTime() - start) / 1e9);
    }
}
