package io.tokenmeter.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeakSecretsTests {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "whsec_local_development_only",
                "sk_test_local_development_only",
                "local-development-only-jwt-secret-0123456789",
                "local-development-only-metering-token",
                "change-me-to-at-least-32-bytes-of-randomness",
                "whsec_change_me",
                "sk_live_change_me",
                "test-secret-test-secret-test-secret-0123456789"
            })
    void refusesTheValuesThisRepositoryPublishes(String value) {
        assertThat(WeakSecrets.weakness(value)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cr3t", "K8x!qZ2#pL9@wN4$", "0123456789abcdef0123456789abcde"})
    void refusesAnythingShorterThan32Bytes(String value) {
        assertThat(WeakSecrets.weakness(value)).contains("is shorter than 32 bytes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "whsec_replace_this_with_the_endpoint_signing_key",
                "sk_live_put_your_real_key_here_please_change_it",
                "our-production-secret-do-not-share-2026-xyz",
                "Example0fAVeryLongValueThatSomebodyPastedIn1"
            })
    void refusesObviousPlaceholders(String value) {
        assertThat(WeakSecrets.weakness(value)).get().asString().contains("placeholder");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                "q7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7Wq7W",
                "0101010101010101010101010101010101010101"
            })
    void refusesEntropyPoorText(String value) {
        assertThat(WeakSecrets.weakness(value)).get().asString().contains("entropy");
    }

    @Property(tries = 2000)
    void acceptsRandomValuesMadeAsTheRunbookSays(@ForAll long seed) {
        byte[] random = randomBytes(seed, 32);
        assertThat(WeakSecrets.weakness(Base64.getEncoder().encodeToString(random))).isEmpty();
        assertThat(WeakSecrets.weakness(HexFormat.of().formatHex(random))).isEmpty();
    }

    @Property(tries = 2000)
    void acceptsStripeShapedKeysAndEndpointSecrets(@ForAll long seed) {
        byte[] random = randomBytes(seed, 24);
        String base62 =
                Base64.getEncoder().withoutPadding().encodeToString(random).replaceAll("[+/]", "x");
        assertThat(WeakSecrets.weakness("whsec_" + base62)).isEmpty();
        assertThat(WeakSecrets.weakness("sk_live_" + base62 + base62)).isEmpty();
    }

    /** Random bytes, as a generator would make them (jqwik's own byte arrays favour edge cases). */
    private static byte[] randomBytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
