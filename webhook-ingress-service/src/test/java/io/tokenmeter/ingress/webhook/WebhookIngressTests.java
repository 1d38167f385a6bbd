package io.tokenmeter.ingress.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.ingress.webhook.WebhookOutcome.Accepted;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Rejected;
import io.tokenmeter.ingress.webhook.WebhookOutcome.Unavailable;
import io.tokenmeter.ingress.webhook.json.JacksonStripeEventReader;
import io.tokenmeter.ingress.webhook.stripe.StripeWebhookSignatures;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.StripeEvent.SignedDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The core with the real stripe-java and Jackson adapters and an in-memory event log. */
class WebhookIngressTests {

    static final String VECTOR_SECRET =
            "whsec_750e601a79a762e75cf1ec30b41b2e6f88daafcc644b3a9f29e735b4453ebb9a";
    static final String VECTOR_HEADER =
            "t=1746757390,v1=bc889a3926c751e3ea753efc027f6adbb11d224b57ebae9e86c0da62461e9f35,"
                    + "v0=537d1b7f8ebf0452111cafdcd6ee4cf80eb1b1ba62bc2ded7569289edfa0a2b0";
    static final byte[] VECTOR_BODY =
            StripeEvent.fixtureText(
                            "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json")
                    .getBytes(StandardCharsets.UTF_8);
    static final Instant SIGNED_AT = Instant.ofEpochSecond(1746757390);

    private final List<VerifiedEvent> appended = new ArrayList<>();
    private boolean logDown;

    private final VerifiedEventLog log =
            (event, timeout) -> {
                if (logDown) {
                    throw new EventLogUnavailableException("down", null);
                }
                appended.add(event);
            };

    private WebhookIngress ingressAt(Instant now) {
        return new WebhookIngress(
                new StripeWebhookSignatures(List.of("whsec_other", VECTOR_SECRET)),
                new JacksonStripeEventReader(),
                log,
                Clock.fixed(now, ZoneOffset.UTC),
                Duration.ofSeconds(300),
                Duration.ofSeconds(5));
    }

    @Test
    void acceptsTheRealSignatureVectorAndStoresItsBodyByteForByte() {
        WebhookOutcome outcome =
                ingressAt(SIGNED_AT.plusSeconds(10)).receive(VECTOR_BODY, VECTOR_HEADER);

        assertThat(outcome).isInstanceOf(Accepted.class);
        VerifiedEvent event = ((Accepted) outcome).event();
        assertThat(appended).containsExactly(event);
        assertThat(event.payload().getBytes(StandardCharsets.UTF_8)).isEqualTo(VECTOR_BODY);
        assertThat(event.facts().type()).isEqualTo("invoice.payment_succeeded");
        assertThat(event.key()).isEqualTo("cus_SGqVI5XZS5sDjA");
        assertThat(event.receivedAt()).isEqualTo(SIGNED_AT.plusSeconds(10));
    }

    @ParameterizedTest
    @ValueSource(longs = {-300, -1, 0, 1, 300})
    void acceptsSignaturesWithinTheToleranceEitherWay(long offsetSeconds) {
        WebhookOutcome outcome =
                ingressAt(SIGNED_AT.plusSeconds(offsetSeconds)).receive(VECTOR_BODY, VECTOR_HEADER);

        assertThat(outcome).isInstanceOf(Accepted.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {-86400, -301, 301, 86400})
    void rejectsSignaturesOutsideTheToleranceAsStale(long offsetSeconds) {
        WebhookOutcome outcome =
                ingressAt(SIGNED_AT.plusSeconds(offsetSeconds)).receive(VECTOR_BODY, VECTOR_HEADER);

        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(((Rejected) outcome).rejection()).isEqualTo(Rejection.STALE);
        assertThat(appended).isEmpty();
    }

    @Test
    void checksTheSignatureBeforeTheTimestamp() {
        WebhookOutcome outcome =
                ingressAt(SIGNED_AT.plusSeconds(86400))
                        .receive(VECTOR_BODY, VECTOR_HEADER.replace("v1=bc", "v1=cb"));

        assertThat(((Rejected) outcome).rejection()).isEqualTo(Rejection.BAD_SIGNATURE);
    }

    @Test
    void rejectsADeliveryWithoutSignatureHeader() {
        assertThat(ingressAt(SIGNED_AT).receive(VECTOR_BODY, null))
                .isEqualTo(
                        new Rejected(
                                Rejection.BAD_SIGNATURE,
                                "The Stripe-Signature header is missing."));
        assertThat(ingressAt(SIGNED_AT).receive(VECTOR_BODY, " ")).isInstanceOf(Rejected.class);
    }

    @Test
    void rejectsACorrectlySignedBodyThatIsNotAStripeEvent() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        SignedDelivery delivery = SignedDelivery.sign("{\"hello\":\"world\"}", VECTOR_SECRET, now);

        WebhookOutcome outcome =
                ingressAt(now).receive(delivery.bodyBytes(), delivery.signatureHeader());

        assertThat(((Rejected) outcome).rejection()).isEqualTo(Rejection.MALFORMED);
        assertThat(appended).isEmpty();
    }

    @Test
    void rejectsABodyThatIsNotUtf8() {
        byte[] body = {'{', (byte) 0xFF, '}'};

        WebhookOutcome outcome = ingressAt(SIGNED_AT).receive(body, VECTOR_HEADER);

        assertThat(((Rejected) outcome).rejection()).isEqualTo(Rejection.MALFORMED);
    }

    @Test
    void keepsAGenuineReplacementCharacterInTheBody() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        String json =
                StripeEvent.fixture("invoice.paid.event-2020-03-02.json")
                        .set("/data/object/description", "caf\uFFFD \u00e9t\u00e9 \uD83D\uDE80")
                        .json();
        SignedDelivery delivery = SignedDelivery.sign(json, VECTOR_SECRET, now);

        WebhookOutcome outcome =
                ingressAt(now).receive(delivery.bodyBytes(), delivery.signatureHeader());

        assertThat(((Accepted) outcome).event().payload()).isEqualTo(json);
    }

    @Test
    void answersUnavailableWhenTheLogDoesNotAcknowledge() {
        logDown = true;

        WebhookOutcome outcome =
                ingressAt(SIGNED_AT.plusSeconds(1)).receive(VECTOR_BODY, VECTOR_HEADER);

        assertThat(outcome).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) outcome).facts().type()).isEqualTo("invoice.payment_succeeded");
    }
}
