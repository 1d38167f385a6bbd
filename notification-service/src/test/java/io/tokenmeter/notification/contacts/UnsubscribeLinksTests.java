package io.tokenmeter.notification.contacts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UnsubscribeLinksTests {

    final UnsubscribeLinks links =
            new UnsubscribeLinks("service-secret", "https://n.example.test/");

    @Test
    void aLinkNamesItsUserBackAndOnlyItsUser() {
        String link = links.linkFor("u_123");
        String token = link.substring("https://n.example.test/unsubscribe/".length());

        assertThat(link).startsWith("https://n.example.test/unsubscribe/");
        assertThat(links.userOf(token)).contains("u_123");
    }

    @Test
    void refusesEditedForgedAndForeignTokens() {
        String token = links.tokenFor("u_123");
        String otherUser = links.tokenFor("u_456");
        String swapped =
                otherUser.substring(0, otherUser.indexOf('.'))
                        + token.substring(token.indexOf('.'));

        assertThat(links.userOf(swapped)).isEmpty();
        assertThat(links.userOf(token.substring(0, token.length() - 2) + "AA")).isEmpty();
        assertThat(new UnsubscribeLinks("another-secret", "https://x").userOf(token)).isEmpty();
        assertThat(links.userOf("garbage")).isEmpty();
        assertThat(links.userOf("%%%.%%%")).isEmpty();
        assertThat(links.userOf(null)).isEmpty();
    }
}
