package io.tokenmeter.platform.secrets;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a configured secret is one an attacker could know or guess: a value published in
 * this repository (the local stack's {@code DevSettings}, the compose file, the Kubernetes
 * manifests), anything shorter than {@value #MIN_BYTES} bytes, an obvious placeholder (a word such
 * as {@code change}, {@code example} or {@code secret}; a {@code whsec_}/{@code sk_} prefix
 * followed by words), or text whose estimated entropy is below {@value #MIN_ENTROPY_BITS} bits
 * (repeated characters, sequences, repeated fragments). A random value made as the runbook says
 * ({@code openssl rand -base64 32}) always passes, as do Stripe's own keys.
 *
 * <p>The reasons never contain the value.
 */
public final class WeakSecrets {

    static final int MIN_BYTES = 32;
    static final int MIN_ENTROPY_BITS = 128;

    /** Values this repository publishes: whoever read it knows them. */
    static final Set<String> KNOWN =
            Set.of(
                    // deploy/local-stack DevSettings and deploy/compose/compose.yaml
                    "whsec_local_development_only",
                    "sk_test_local_development_only",
                    "local-development-only-jwt-secret-0123456789",
                    "local-development-only-metering-token",
                    "tokenmeter",
                    // deploy/k8s before it stopped shipping secret values
                    "change-me",
                    "sk_live_change_me",
                    "whsec_change_me",
                    "change-me-to-at-least-32-bytes-of-randomness",
                    // test-support's TestJwts
                    "test-secret-test-secret-test-secret-0123456789");

    /**
     * Words that mark a value somebody meant to replace. Six letters or more, so that random text
     * practically never contains one (case ignored, a given word turns up in about one random
     * 44-character value in 30 million).
     */
    static final Set<String> PLACEHOLDER_WORDS =
            Set.of(
                    "change",
                    "replace",
                    "example",
                    "placeholder",
                    "default",
                    "sample",
                    "secret",
                    "password",
                    "passwd",
                    "development",
                    "insecure",
                    "please");

    /** Prefixes of Stripe's keys and endpoint secrets; what follows them must be random. */
    private static final Pattern STRIPE_PREFIX = Pattern.compile("^(whsec|[sr]k(_live|_test)?)_");

    private WeakSecrets() {}

    /** Why {@code value} must not be used as a secret, or empty when it may. */
    public static Optional<String> weakness(String value) {
        if (KNOWN.contains(value.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("is a value published in the tokenmeter repository");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
            return Optional.of("is shorter than " + MIN_BYTES + " bytes");
        }
        String random = STRIPE_PREFIX.matcher(value).replaceFirst("").toLowerCase(Locale.ROOT);
        for (String word : PLACEHOLDER_WORDS) {
            if (random.contains(word)) {
                return Optional.of("looks like a placeholder (it contains a word)");
            }
        }
        if (estimatedEntropyBits(value) < MIN_ENTROPY_BITS) {
            return Optional.of(
                    "has too little entropy (repeated or sequential characters, or too few"
                            + " distinct ones)");
        }
        return Optional.empty();
    }

    /**
     * A conservative estimate: the empirical Shannon entropy per character times the number of
     * characters that are neither a step of a run or sequence ({@code aaaa}, {@code 1234}) nor part
     * of a fragment seen before ({@code abcabc}).
     */
    static double estimatedEntropyBits(String value) {
        int[] codePoints = value.codePoints().toArray();
        Map<Integer, Integer> counts = new HashMap<>();
        for (int c : codePoints) {
            counts.merge(c, 1, Integer::sum);
        }
        double perCharacter = 0;
        for (int count : counts.values()) {
            double p = (double) count / codePoints.length;
            perCharacter -= p * Math.log(p) / Math.log(2);
        }
        Set<String> trigrams = new HashSet<>();
        int informative = 0;
        for (int i = 0; i < codePoints.length; i++) {
            boolean step = i > 0 && Math.abs(codePoints[i] - codePoints[i - 1]) <= 1;
            boolean repeated = i >= 2 && !trigrams.add(new String(codePoints, i - 2, 3));
            if (!step && !repeated) {
                informative++;
            }
        }
        return perCharacter * informative;
    }
}
