package io.tokenmeter.notification.alerts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One thing to tell a user and the grading application. Its id derives from its cause alone, so
 * that the same cause seen again (a redelivered or replayed record) is the same notification; the
 * webhook carries it as {@code webhook-id} for the receiver to dedupe.
 */
public record Notification(String id, Kind kind, Cause cause) {

    static Notification of(Kind kind, Cause cause, String causeKey) {
        return new Notification(idOf(kind.name() + ":" + causeKey), kind, cause);
    }

    public String userId() {
        return cause.userId();
    }

    static String idOf(String causeKey) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(causeKey.getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
