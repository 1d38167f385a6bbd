package io.tokenmeter.notification.contacts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One-click unsubscribe links (RFC 8058): {@code <base>/unsubscribe/<user>.<signature>}, the user
 * id in base64url and an HMAC-SHA256 of it, so that nobody can unsubscribe someone else by editing
 * a link. Links do not expire: a mail read months later still unsubscribes.
 */
public final class UnsubscribeLinks {

    private static final String PURPOSE = "tokenmeter-unsubscribe:";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] key;
    private final String baseUrl;

    /**
     * @param secret the service's secret; the links' key is derived from it for this purpose only
     * @param baseUrl where users reach this service ({@code PUBLIC_BASE_URL})
     */
    public UnsubscribeLinks(String secret, String baseUrl) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("unsubscribe links need a secret");
        }
        this.key = hmac(secret.getBytes(StandardCharsets.UTF_8), "unsubscribe-key");
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String linkFor(String userId) {
        return baseUrl + "/unsubscribe/" + tokenFor(userId);
    }

    String tokenFor(String userId) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(user) + "." + ENCODER.encodeToString(signature(user));
    }

    /** The user a token was made for, if it was made with this key. */
    public Optional<String> userOf(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || token.length() > 1024) {
            return Optional.empty();
        }
        try {
            byte[] user = DECODER.decode(token.substring(0, dot));
            byte[] presented = DECODER.decode(token.substring(dot + 1));
            return MessageDigest.isEqual(signature(user), presented)
                    ? Optional.of(new String(user, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] signature(byte[] user) {
        byte[] message = new byte[PURPOSE.length() + user.length];
        System.arraycopy(
                PURPOSE.getBytes(StandardCharsets.US_ASCII), 0, message, 0, PURPOSE.length());
        System.arraycopy(user, 0, message, PURPOSE.length(), user.length);
        return hmac(key, message);
    }

    private static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
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
