package io.tokenmeter.ingress.webhook.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.ingress.webhook.WebhookSignatures.Signed;
import io.tokenmeter.ingress.webhook.WebhookSignatures.Unsigned;
import io.tokenmeter.ingress.webhook.WebhookSignatures.Verdict;
import io.tokenmeter.testsupport.StripeEvent;
import io.tokenmeter.testsupport.StripeEvent.SignedDelivery;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class StripeWebhookSignaturesTests {

    static final String VECTOR_SECRET =
            "whsec_750e601a79a762e75cf1ec30b41b2e6f88daafcc644b3a9f29e735b4453ebb9a";
    static final String VECTOR_HEADER =
            "t=1746757390,v1=bc889a3926c751e3ea753efc027f6adbb11d224b57ebae9e86c0da62461e9f35,"
                    + "v0=537d1b7f8ebf0452111cafdcd6ee4cf80eb1b1ba62bc2ded7569289edfa0a2b0";
    static final String VECTOR_PAYLOAD =
            StripeEvent.fixtureText(
                    "invoice.payment_succeeded.event-2025-03-31.basil.signed-payload.json");

    @Test
    void verifiesTheRealStripeSignatureVector() {
        Verdict verdict =
                new StripeWebhookSignatures(List.of(VECTOR_SECRET))
                        .verify(VECTOR_PAYLOAD, VECTOR_HEADER);

        assertThat(verdict).isEqualTo(new Signed(Instant.ofEpochSecond(1746757390)));
    }

    @Test
    void verifiesTheVectorWhenItsSecretIsTheSecondOfARotation() {
        Verdict verdict =
                new StripeWebhookSignatures(List.of("whsec_other", VECTOR_SECRET))
                        .verify(VECTOR_PAYLOAD, VECTOR_HEADER);

        assertThat(verdict).isInstanceOf(Signed.class);
    }

    @Test
    void rejectsTheVectorUnderAnotherSecret() {
        Verdict verdict =
                new StripeWebhookSignatures(List.of("whsec_other"))
                        .verify(VECTOR_PAYLOAD, VECTOR_HEADER);

        assertThat(verdict).isInstanceOf(Unsigned.class);
    }

    @Test
    void rejectsTheVectorWithATrailingNewline() {
        Verdict verdict =
                new StripeWebhookSignatures(List.of(VECTOR_SECRET))
                        .verify(VECTOR_PAYLOAD + "\n", VECTOR_HEADER);

        assertThat(verdict).isInstanceOf(Unsigned.class);
    }

    @Test
    void rejectsEverythingWhenNoSecretIsConfigured() {
        Verdict verdict =
                new StripeWebhookSignatures(List.of()).verify(VECTOR_PAYLOAD, VECTOR_HEADER);

        assertThat(verdict).isInstanceOf(Unsigned.class);
        assertThat(((Unsigned) verdict).reason()).contains("No webhook signing secret");
    }

    @Property(tries = 200)
    void rejectsAnySingleByteChangeOfTheBody(
            @ForAll @IntRange(min = 0, max = 5571) int position,
            @ForAll @IntRange(min = 1, max = 94) int shift) {
        char[] chars = VECTOR_PAYLOAD.toCharArray();
        chars[position] = (char) (' ' + (chars[position] - ' ' + shift) % 95);

        Verdict verdict =
                new StripeWebhookSignatures(List.of(VECTOR_SECRET))
                        .verify(new String(chars), VECTOR_HEADER);

        assertThat(verdict).isInstanceOf(Unsigned.class);
    }

    @Property(tries = 500)
    void neverThrowsOnArbitraryHeaders(@ForAll("headers") String header) {
        SignedDelivery signed = SignedDelivery.sign("{}", "whsec_x", Instant.now());

        Verdict verdict = new StripeWebhookSignatures(List.of("whsec_x")).verify("{}", header);

        assertThat(verdict).isNotNull();
        if (verdict instanceof Signed) {
            assertThat(header).contains(signed.signatureHeader().split(",")[1]);
        }
    }

    @Provide
    Arbitrary<String> headers() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(80),
                Arbitraries.strings().withChars("tv01=,x -9").ofMaxLength(40),
                Arbitraries.of("t", "v1", "t=", "v1=", "t=1", "t=-1", "t=1,v1", "t=1,v1=,v1"));
    }
}
