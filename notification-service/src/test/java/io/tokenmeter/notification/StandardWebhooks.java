package io.tokenmeter.notification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The receiver's side of the Standard Webhooks specification, written from the specification (not
 * from the service's code): HMAC-SHA256 of {@code "<webhook-id>.<webhook-timestamp>.<body>"} keyed
 * with the base64-decoded part of the {@code whsec_} secret; the header holds space-separated
 * {@code v1,<base64>} signatures, any of which may match; timestamps more than 5 minutes away are
 * refused.
 */
final class StandardWebhooks {

    private StandardWebhooks() {}

    static boolean verify(String secret, String id, String timestamp, String body, String header) {
        long age = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
        if (age > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(
                    new SecretKeySpec(
                            Base64.getDecoder().decode(secret.substring("whsec_".length())),
                            "HmacSHA256"));
            byte[] expected =
                    mac.doFinal(
                            (id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            for (String signature : header.split(" ")) {
                String[] parts = signature.split(",", 2);
                if (parts[0].equals("v1")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
