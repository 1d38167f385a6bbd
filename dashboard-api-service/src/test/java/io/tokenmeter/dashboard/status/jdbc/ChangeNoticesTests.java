package io.tokenmeter.dashboard.status.jdbc;

import static io.tokenmeter.dashboard.status.jdbc.ChangeNotices.EVERYONE;
import static io.tokenmeter.dashboard.status.jdbc.ChangeNotices.MAX_PAYLOAD_BYTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ChangeNoticesTests {

    static final List<String> ODD_IDS =
            List.of(
                    "u_plain",
                    "",
                    "with\nnewline",
                    "with\r\ncrlf",
                    "tab\there",
                    "quote\"inside",
                    "back\\slash",
                    "\\\"",
                    "comma,separated",
                    "[bracketed]",
                    "*",
                    "null",
                    "nul\u0000byte",
                    "accentué",
                    "emoji 😀",
                    "lone \ud800 surrogate",
                    "line\u2028separator",
                    "del\u007f",
                    "  spaces  ");

    @Test
    void carriesIdsOfAnyCharactersUnchangedInAsciiOnlyPayloads() {
        List<String> payloads = ChangeNotices.payloads(ODD_IDS);

        assertThat(payloads).hasSize(1);
        assertThat(payloads.get(0)).matches("[\\x20-\\x7f]*");
        assertThat(ChangeNotices.users(payloads.get(0))).containsExactlyElementsOf(ODD_IDS);
        assertThat(ChangeNotices.meansEveryone(payloads.get(0))).isFalse();
    }

    @Test
    void splitsManyUsersIntoAsFewPayloadsAsPostgresAccepts() {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            users.add(String.format("user-%05d-%029d", i, i)); // 40 characters
        }

        List<String> payloads = ChangeNotices.payloads(users);

        // Per id 40 characters, 2 quotes and a separator; 2 brackets less the last separator:
        // 186 ids make 186 * 43 + 1 = 7,999 bytes.
        int perPayload = 186;
        assertThat(payloads.get(0)).hasSize(MAX_PAYLOAD_BYTES);
        assertThat(ChangeNotices.users(payloads.get(0))).hasSize(perPayload);
        assertThat(payloads).hasSize((10_000 + perPayload - 1) / perPayload);
        for (String payload : payloads) {
            assertThat(payload.getBytes(StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(MAX_PAYLOAD_BYTES);
        }
        assertThat(decoded(payloads)).containsExactlyElementsOf(users);
    }

    @Test
    void fillsAPayloadUpToExactlyTheLimit() {
        String wide = "é".repeat(1000); // 6,000 bytes escaped, 6,002 quoted
        String fill = "x".repeat(MAX_PAYLOAD_BYTES - 2 - 1 - 6_002 - 2);

        List<String> exact = ChangeNotices.payloads(List.of(wide, fill));
        List<String> over = ChangeNotices.payloads(List.of(wide, fill + "x"));

        assertThat(exact).hasSize(1);
        assertThat(exact.get(0)).hasSize(MAX_PAYLOAD_BYTES);
        assertThat(ChangeNotices.users(exact.get(0))).containsExactly(wide, fill);
        assertThat(over).hasSize(2);
        assertThat(decoded(over)).containsExactly(wide, fill + "x");
    }

    @Test
    void announcesEveryoneWhenAnIdCannotFitInAnyPayload() {
        String longest = "x".repeat(MAX_PAYLOAD_BYTES - 4);

        assertThat(ChangeNotices.payloads(List.of(longest)).get(0)).hasSize(MAX_PAYLOAD_BYTES);
        assertThat(ChangeNotices.payloads(List.of("u_1", longest + "x", "u_2")))
                .containsExactly(EVERYONE);
        // Short in characters, too long once escaped.
        assertThat(ChangeNotices.payloads(List.of("é".repeat(1_400)))).containsExactly(EVERYONE);
        assertThat(ChangeNotices.meansEveryone(EVERYONE)).isTrue();
    }

    @Test
    void announcesNothingForNoUsers() {
        assertThat(ChangeNotices.payloads(List.of())).isEmpty();
        assertThat(ChangeNotices.users("[]")).isEmpty();
    }

    @Test
    void readsNothingButAJsonArrayOfIds() {
        for (String unreadable : List.of("", "u_1", "{\"u\":1}", "[null]", "\"u_1\"", "[\"u_1\"")) {
            assertThatThrownBy(() -> ChangeNotices.users(unreadable))
                    .as(unreadable)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ChangeNotices.users("[\"u_1\", \"u_2\"]")).containsExactly("u_1", "u_2");
    }

    @Property(tries = 200)
    void anyUsersComeBackFromPayloadsPostgresAccepts(
            @ForAll @Size(max = 2_000) List<@StringLength(max = 120) String> users) {
        List<String> payloads = ChangeNotices.payloads(users);

        for (String payload : payloads) {
            assertThat(payload).matches("[\\x20-\\x7f]*");
            assertThat(payload.length()).isLessThanOrEqualTo(MAX_PAYLOAD_BYTES);
        }
        assertThat(decoded(payloads)).containsExactlyElementsOf(new LinkedHashSet<>(users));
    }

    static Set<String> decoded(List<String> payloads) {
        Set<String> users = new LinkedHashSet<>();
        payloads.forEach(payload -> users.addAll(ChangeNotices.users(payload)));
        return users;
    }
}
