package io.tokenmeter.notification.contacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContactTests {

    @Test
    void acceptsAMailboxAndALanguageTag() {
        assertThat(new Contact("u", "prof.martin+notes@lycee.example.fr", "fr-FR").language())
                .isEqualTo("fr");
        assertThat(new Contact("u", "a@b.example", null).language()).isEqualTo("fr");
    }

    @Test
    void refusesWhatCouldInjectHeadersOrIsNoAddress() {
        for (String address :
                new String[] {
                    "a@b.example\r\nBcc: c@d.example",
                    "Name <a@b.example>",
                    "a@b",
                    "@b.example",
                    "a b@c.example",
                    "",
                    "a".repeat(250) + "@b.example"
                }) {
            assertThatThrownBy(() -> new Contact("u", address, null))
                    .as(address)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new Contact("u", null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesALocaleThatIsNoLanguageTag() {
        for (String locale : new String[] {"../fr", "fr_FR", "FR", "fr-fr", "français", ""}) {
            assertThatThrownBy(() -> new Contact("u", "a@b.example", locale))
                    .as(locale)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
