package io.tokenmeter.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The header resolver decides every {@code Authorization} header as Spring Security's does. */
class HeaderBearerTokenResolverPropertyTests {

    final BearerTokenResolver library = new DefaultBearerTokenResolver();
    final BearerTokenResolver ours = new HeaderBearerTokenResolver();

    @Property(tries = 3000)
    void resolvesOrRefusesEveryHeaderAsTheLibraryDoes(@ForAll("headers") String header) {
        assertThat(outcome(ours, header)).isEqualTo(outcome(library, header));
    }

    @Example
    void takesAWellFormedTokenAndRefusesAMalformedOne() {
        assertThat(outcome(ours, "Bearer abc.DEF-12_~+/==")).isEqualTo("abc.DEF-12_~+/==");
        assertThat(outcome(ours, "bEaReR abc")).isEqualTo("abc");
        assertThat(outcome(ours, "Bearer abc def")).isEqualTo("refused: invalid_token");
        assertThat(outcome(ours, "Bearer ")).isEqualTo("refused: invalid_token");
        assertThat(outcome(ours, "Basic dXNlcjpwYXNz")).isEqualTo("none");
        assertThat(outcome(ours, null)).isEqualTo("none");
    }

    /** Headers built from the pieces that matter: scheme spellings, separators, token alphabet. */
    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> scheme =
                Arbitraries.of(
                        "Bearer", "bearer", "BEARER", "bEaReR", "Bear", "Basic", "", "Bearerx");
        Arbitrary<String> separator = Arbitraries.of(" ", "", "  ", "\t", ":");
        Arbitrary<String> token =
                Arbitraries.strings()
                        .withChars("aZ09-._~+/=  é\u0000,")
                        .ofMinLength(0)
                        .ofMaxLength(12);
        return net.jqwik.api.Combinators.combine(scheme, separator, token)
                .as((s, sep, t) -> s + sep + t);
    }

    static String outcome(BearerTokenResolver resolver, String header) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/anything");
        if (header != null) {
            request.addHeader("Authorization", header);
        }
        String[] resolved = new String[1];
        Throwable failure = catchThrowable(() -> resolved[0] = resolver.resolve(request));
        if (failure instanceof OAuth2AuthenticationException refused) {
            return "refused: " + refused.getError().getErrorCode();
        }
        if (failure != null) {
            return "failed: " + failure;
        }
        return resolved[0] == null ? "none" : resolved[0];
    }
}
