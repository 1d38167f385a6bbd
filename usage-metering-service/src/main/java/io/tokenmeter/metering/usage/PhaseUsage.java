package io.tokenmeter.metering.usage;

/**
 * The tokens one phase of a grading session used on one model. Counts are never negative nor over
 * {@value #MAX_TOKENS} (no phase uses a trillion tokens; such counts would push totals towards
 * overflow), and {@code phase} and {@code model} are at most {@value #MAX_NAME_LENGTH} characters
 * without U+0000 (model names are kept in memory and in the database).
 *
 * @param promptTokens uncached input tokens
 * @param cachedTokens input tokens read from the provider's cache
 * @param completionTokens output tokens
 */
public record PhaseUsage(
        String phase, String model, long promptTokens, long cachedTokens, long completionTokens) {

    public static final long MAX_TOKENS = 1_000_000_000_000L;
    public static final int MAX_NAME_LENGTH = 200;

    public PhaseUsage {
        phase = phase == null ? "" : phase;
        model = model == null ? "" : model;
        checkText("phase", phase, MAX_NAME_LENGTH);
        checkText("model", model, MAX_NAME_LENGTH);
        if (promptTokens < 0 || cachedTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException(
                    "negative token count in phase '"
                            + phase
                            + "': "
                            + counts(promptTokens, cachedTokens, completionTokens));
        }
        if (promptTokens > MAX_TOKENS
                || cachedTokens > MAX_TOKENS
                || completionTokens > MAX_TOKENS) {
            throw new IllegalArgumentException(
                    "token count over "
                            + MAX_TOKENS
                            + " in phase '"
                            + phase
                            + "': "
                            + counts(promptTokens, cachedTokens, completionTokens));
        }
    }

    private static String counts(long prompt, long cached, long completion) {
        return "prompt=" + prompt + " cached=" + cached + " completion=" + completion;
    }

    /**
     * A text fit for a key or a stored name: at most {@code maxLength} characters, and without
     * U+0000, which PostgreSQL's text cannot hold. The message quotes only the start of an
     * over-long text.
     */
    static void checkText(String field, String text, int maxLength) {
        if (text.length() > maxLength) {
            throw new IllegalArgumentException(
                    field
                            + " is "
                            + text.length()
                            + " characters long, over "
                            + maxLength
                            + ": '"
                            + text.substring(0, 32)
                            + "…'");
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    field + " contains U+0000: " + text.replace('\0', '?'));
        }
    }

    /** Tokens counted against a limit: prompt + cached + completion. */
    public long totalTokens() {
        return Math.addExact(Math.addExact(promptTokens, cachedTokens), completionTokens);
    }
}
