package io.tokenmeter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The loops decide every string as the regular expressions of Spring Security's {@code
 * StrictHttpFirewall} do (copied here from its source, so a change there shows up as a failure).
 */
class PrintableHeadersFirewallPropertyTests {

    static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");
    static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @Property(tries = 5000)
    void decidesNamesAndValuesAsTheFirewallsExpressions(@ForAll("texts") String text) {
        assertThat(PrintableHeadersFirewall.ASSIGNED_AND_NOT_CONTROL.test(text))
                .isEqualTo(NAMES.matcher(text).matches());
        assertThat(PrintableHeadersFirewall.HEADER_VALUE.test(text))
                .isEqualTo(VALUES.matcher(text).matches());
    }

    @Example
    void refusesControlCharactersAndUnassignedCodePoints() {
        assertThat(PrintableHeadersFirewall.HEADER_VALUE.test("Bearer eyJ.abc")).isTrue();
        assertThat(PrintableHeadersFirewall.HEADER_VALUE.test("a\tb")).isTrue();
        assertThat(PrintableHeadersFirewall.ASSIGNED_AND_NOT_CONTROL.test("a\tb")).isFalse();
        assertThat(PrintableHeadersFirewall.HEADER_VALUE.test("a\r\nSet-Cookie: x")).isFalse();
        assertThat(PrintableHeadersFirewall.HEADER_VALUE.test("\u0378")).isFalse();
    }

    /** Mostly printable text, with tabs, controls, unassigned code points and lone surrogates. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Character> unusual =
                Arbitraries.of(
                        '\t', '\r', '\n', '\u0000', '\u007f', '\u0085', '\u0378', '\ud800',
                        '\udc00', '\ufffe', 'é', '€');
        Arbitrary<Character> any = Arbitraries.chars().all();
        Arbitrary<Character> ascii = Arbitraries.chars().range(' ', '~');
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, ascii),
                        net.jqwik.api.Tuple.of(2, unusual),
                        net.jqwik.api.Tuple.of(1, any))
                .list()
                .ofMaxSize(16)
                .map(
                        chars -> {
                            StringBuilder text = new StringBuilder();
                            chars.forEach(text::append);
                            return text.toString();
                        });
    }
}
