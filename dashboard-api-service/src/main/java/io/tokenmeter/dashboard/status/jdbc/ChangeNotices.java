package io.tokenmeter.dashboard.status.jdbc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payloads of the notifications by which instances tell each other whose status changed.
 *
 * <p>A payload is a JSON array of user ids written in ASCII only: Jackson escapes every character
 * outside ASCII ({@code ESCAPE_NON_ASCII}) and every control character as {@code \\uXXXX}. So any
 * string survives (newlines, quotes, commas, lone surrogates), and a payload's length in characters
 * is its length in bytes whatever the server's encoding. A batch's users go into as few payloads as
 * fit under PostgreSQL's limit (a payload must be shorter than 8000 bytes). A user id too long for
 * any payload is announced as {@value #EVERYONE}: every instance then drops all its cached answers,
 * which is rare and always correct.
 */
final class ChangeNotices {

    /** The longest payload PostgreSQL accepts (its default build refuses 8000 bytes or more). */
    static final int MAX_PAYLOAD_BYTES = 7999;

    /** The payload meaning "anyone may have changed". */
    static final String EVERYONE = "*";

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private ChangeNotices() {}

    /** The payloads announcing {@code userIds}, each at most {@link #MAX_PAYLOAD_BYTES} long. */
    static List<String> payloads(Collection<String> userIds) {
        List<String> payloads = new ArrayList<>();
        StringBuilder payload = new StringBuilder();
        for (String userId : userIds) {
            // Every character takes at least one byte: no need to escape what cannot fit.
            if (userId.length() + 4 > MAX_PAYLOAD_BYTES) {
                return List.of(EVERYONE);
            }
            String quoted = JSON.writeValueAsString(userId);
            if (quoted.length() + 2 > MAX_PAYLOAD_BYTES) {
                return List.of(EVERYONE);
            }
            if (!payload.isEmpty()
                    && payload.length() + 1 + quoted.length() + 1 > MAX_PAYLOAD_BYTES) {
                payloads.add(payload.append(']').toString());
                payload.setLength(0);
            }
            payload.append(payload.isEmpty() ? '[' : ',').append(quoted);
        }
        if (!payload.isEmpty()) {
            payloads.add(payload.append(']').toString());
        }
        return payloads;
    }

    /** Whether the payload stands for every user. */
    static boolean meansEveryone(String payload) {
        return EVERYONE.equals(payload);
    }

    /**
     * The users a payload names (any JSON array of strings is read, not only the ones {@link
     * #payloads} writes).
     *
     * @throws IllegalArgumentException when the payload is not a JSON array of strings
     */
    static Set<String> users(String payload) {
        try {
            return new LinkedHashSet<>(List.of(JSON.readValue(payload, String[].class)));
        } catch (JacksonException | NullPointerException e) {
            // List.of refuses the array of "null", and any null id in it.
            throw new IllegalArgumentException("not a JSON array of user ids", e);
        }
    }
}
