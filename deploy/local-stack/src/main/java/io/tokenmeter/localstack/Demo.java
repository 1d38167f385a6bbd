package io.tokenmeter.localstack;

import com.stripe.net.Webhook;
import io.tokenmeter.events.PhaseUsage;
import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.schemas.avro.AvroSingleObjectSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the grading pipeline and Stripe for {@value Banner#DEMO_USER}: a graded session a second
 * from the start, each as the pipeline does it (CONTRACT §3.5): reserve tokens, grade, publish
 * {@code SessionCompleted} (which settles the hold), or release the hold when a grading is aborted
 * (one in ten). FREE's 100,000 tokens are nearly spent after a dozen sessions; reservations are
 * refused then (one shorter grading within what is left spends the rest), until, after 20 s, a
 * signed checkout and PRO subscription (FREE → PRO); after 80 s a renewal that opens a new billing
 * period, so usage starts again from 0. The user's address is registered with notification-service
 * first, so the 70, 90 and 100 % crossings are mailed.
 */
final class Demo implements AutoCloseable {

    static final Duration CHECKOUT_AT = Duration.ofSeconds(20);
    static final Duration RENEWAL_AT = Duration.ofSeconds(80);
    static final String CUSTOMER = "cus_demo_local";
    static final String SUBSCRIPTION = "sub_demo_local";
    static final URI WEBHOOK = URI.create("http://127.0.0.1:8081/api/subscription/webhook");
    static final String RESERVATIONS =
            "http://127.0.0.1:8083/api/usage/" + Banner.DEMO_USER + "/reservations";
    static final URI CONTACTS = URI.create("http://127.0.0.1:8084/api/notifications/contacts/");
    static final String DEMO_ADDRESS = Banner.DEMO_USER + "@tokenmeter.local";
    static final List<String> MODELS = List.of("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash");

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
    private final KafkaProducer<String, Object> producer;
    private final DevSettings settings;
    private final HttpClient http = HttpClient.newHttpClient();
    private static final Pattern REMAINING = Pattern.compile("\"remaining_tokens\"\\s*:\\s*(\\d+)");

    private volatile long tokensPerSession = 8_000;
    private int sessions;
    private boolean refusing;

    private Demo(KafkaProducer<String, Object> producer, DevSettings settings) {
        this.producer = producer;
        this.settings = settings;
    }

    static Demo start(String kafka, DevSettings settings) {
        KafkaProducer<String, Object> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka,
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new AvroSingleObjectSerializer());
        Demo demo = new Demo(producer, settings);
        demo.registerContact();
        demo.scheduler.scheduleAtFixedRate(demo::gradeOneSession, 0, 1, TimeUnit.SECONDS);
        demo.scheduler.schedule(demo::subscribeToPro, CHECKOUT_AT.toSeconds(), TimeUnit.SECONDS);
        demo.scheduler.schedule(demo::renew, RENEWAL_AT.toSeconds(), TimeUnit.SECONDS);
        LocalStack.log(
                "demo: one graded session a second for "
                        + Banner.DEMO_USER
                        + " (reserve, grade, publish; one in ten aborted); FREE runs out after"
                        + " about 12 sessions; checkout to PRO in "
                        + CHECKOUT_AT.toSeconds()
                        + " s, renewal in "
                        + RENEWAL_AT.toSeconds()
                        + " s");
        return demo;
    }

    /** Tells notification-service where the demo user's mails go, as the grading app would. */
    private void registerContact() {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(CONTACTS.resolve(Banner.DEMO_USER))
                                    .header("Content-Type", "application/json")
                                    .header(
                                            "Authorization",
                                            "Bearer " + settings.get("METERING_API_TOKEN"))
                                    .PUT(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"email\":\"" + DEMO_ADDRESS + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            LocalStack.log("demo: contact " + DEMO_ADDRESS + " → " + response.statusCode());
        } catch (java.io.IOException e) {
            LocalStack.log("demo: contact not registered: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void gradeOneSession() {
        String sessionId = "demo-" + UUID.randomUUID();
        long used = tokensPerSession;
        // The pipeline holds a generous estimate; usage counts in full either way.
        HttpResponse<String> hold = reserve(sessionId, used * 5 / 4);
        if (hold == null) {
            return;
        }
        if (hold.statusCode() == 409) {
            if (!refusing) {
                refusing = true;
                LocalStack.log("demo: reservation refused, grading skipped: " + hold.body());
            }
            gradeWithinWhatIsLeft(hold.body());
            return;
        }
        if (hold.statusCode() != 201) {
            LocalStack.log("demo: reservation answered " + hold.statusCode() + ": " + hold.body());
            return;
        }
        if (refusing) {
            refusing = false;
            LocalStack.log("demo: reservations granted again");
        }
        if (++sessions % 10 == 0) {
            release(sessionId);
            return;
        }
        publish(sessionId, used);
    }

    /**
     * After a refusal, the pipeline grades a shorter correction that fits in what is left (the
     * refusal says how much): so the FREE allowance is spent to the last token and its 100 % mail
     * goes out, as it does for a user who uses their quota up.
     */
    private void gradeWithinWhatIsLeft(String refusal) {
        Matcher left = REMAINING.matcher(refusal);
        if (!left.find() || Long.parseLong(left.group(1)) <= 0) {
            return;
        }
        long tokens = Long.parseLong(left.group(1));
        String sessionId = "demo-" + UUID.randomUUID();
        HttpResponse<String> hold = reserve(sessionId, tokens);
        if (hold != null && hold.statusCode() == 201) {
            LocalStack.log("demo: a shorter grading within the " + tokens + " tokens left");
            publish(sessionId, tokens);
        }
    }

    private void publish(String sessionId, long used) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long prompt = used * (60 + random.nextInt(20)) / 100;
        long cached = used * random.nextInt(20) / 100;
        long completion = Math.max(0, used - prompt - cached - 200);
        String model = MODELS.get(random.nextInt(MODELS.size()));
        SessionCompleted session =
                new SessionCompleted(
                        sessionId,
                        Banner.DEMO_USER,
                        Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        List.of(
                                new PhaseUsage("extraction", "gpt-4o-mini", 0L, 0L, 200L),
                                new PhaseUsage("grading", model, prompt, cached, completion)));
        producer.send(
                new ProducerRecord<>(
                        io.tokenmeter.schemas.Topics.SESSION_COMPLETED.name(),
                        Banner.DEMO_USER,
                        session));
    }

    /** The hold for a session about to be graded; null if metering could not be reached. */
    private HttpResponse<String> reserve(String sessionId, long tokens) {
        return call(
                HttpRequest.newBuilder(URI.create(RESERVATIONS))
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"session_id\": \""
                                                + sessionId
                                                + "\", \"tokens\": "
                                                + tokens
                                                + "}")));
    }

    /** An aborted grading gives its hold back. */
    private void release(String sessionId) {
        HttpResponse<String> released =
                call(HttpRequest.newBuilder(URI.create(RESERVATIONS + "/" + sessionId)).DELETE());
        if (released != null) {
            LocalStack.log("demo: grading aborted, hold released → " + released.statusCode());
        }
    }

    private HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.header("Authorization", "Bearer " + settings.get("METERING_API_TOKEN"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            LocalStack.log("demo: metering not reachable: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void subscribeToPro() {
        Instant now = Instant.now();
        Instant periodStart = now.minus(Duration.ofDays(29));
        Instant periodEnd = now.plus(RENEWAL_AT.minus(CHECKOUT_AT));
        deliver("checkout.session.completed", StripePayloads.checkoutCompleted(now));
        deliver(
                "customer.subscription.created",
                StripePayloads.subscription(
                        "customer.subscription.created",
                        settings.get("STRIPE_PRICE_ID_PRO"),
                        periodStart,
                        periodEnd,
                        now));
        deliver(
                "invoice.paid",
                StripePayloads.invoicePaid("subscription_create", periodStart, periodEnd, now));
        tokensPerSession = 40_000;
    }

    private void renew() {
        Instant now = Instant.now();
        Instant periodEnd = now.plus(Duration.ofDays(30));
        deliver(
                "customer.subscription.updated",
                StripePayloads.subscription(
                        "customer.subscription.updated",
                        settings.get("STRIPE_PRICE_ID_PRO"),
                        now,
                        periodEnd,
                        now));
        deliver(
                "invoice.paid",
                StripePayloads.invoicePaid("subscription_cycle", now, periodEnd, now));
    }

    private void deliver(String type, String payload) {
        try {
            String signature =
                    Webhook.Signature.generateSignatureHeader(
                            payload,
                            settings.get("STRIPE_WEBHOOK_SECRET").split(",")[0].trim(),
                            Instant.now().getEpochSecond());
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(WEBHOOK)
                                    .header("Content-Type", "application/json")
                                    .header("Stripe-Signature", signature)
                                    .POST(HttpRequest.BodyPublishers.ofString(payload))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            LocalStack.log("demo: Stripe " + type + " → " + response.statusCode());
        } catch (GeneralSecurityException | java.io.IOException e) {
            LocalStack.log("demo: Stripe " + type + " not delivered: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
