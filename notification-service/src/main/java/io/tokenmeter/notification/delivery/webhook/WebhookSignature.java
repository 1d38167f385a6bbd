package io.tokenmeter.notification.delivery.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">},
 * keyed with the base64 part of each {@code whsec_} secret; several secrets give several
 * space-separated signatures, any of which the receiver may check (secret rotation).
 */
final class WebhookSignature {

    static final String PREFIX = "whsec_";

    private final List<byte[]> keys;

    /**
     * @throws IllegalArgumentException a secret that is not {@code whsec_<base64>}
     */
    WebhookSignature(List<String> secrets) {
        this.keys = secrets.stream().map(WebhookSignature::key).toList();
    }

    boolean hasKeys() {
        return !keys.isEmpty();
    }

    String sign(String messageId, long timestampSeconds, String body) {
        byte[] signed =
                (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        return keys.stream()
                .map(key -> "v1," + Base64.getEncoder().encodeToString(hmac(key, signed)))
                .collect(Collectors.joining(" "));
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            byte[] key = Base64.getDecoder().decode(encoded);
            if (key.length < 24) {
                throw new IllegalArgumentException("too short");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "NOTIFY_WEBHOOK_SECRET: each secret must be whsec_ followed by at least 24"
                            + " bytes in base64");
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no HmacSHA256", e);
        }
    }
}
