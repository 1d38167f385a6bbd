package io.tokenmeter.notification.delivery.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    /** The specification's own example (standard-webhooks, "Signature scheme"). */
    @Test
    void signsTheSpecificationsExampleAsTheSpecificationDoes() {
        WebhookSignature signature =
                new WebhookSignature(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

        assertThat(
                        signature.sign(
                                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                1614265330,
                                "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWithEverySecretDuringARotation() {
        WebhookSignature signature =
                new WebhookSignature(
                        List.of(
                                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM="));

        String header =
                signature.sign(
                        "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        assertThat(header.split(" ")).hasSize(2);
        assertThat(header).startsWith("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,");
    }

    @Test
    void refusesASecretThatIsNoBase64Key() {
        assertThatThrownBy(() -> new WebhookSignature(List.of("whsec_not base64!")))
                .hasMessageContaining("NOTIFY_WEBHOOK_SECRET");
        assertThatThrownBy(() -> new WebhookSignature(List.of("whsec_c2hvcnQ=")))
                .hasMessageContaining("at least 24");
    }
}
