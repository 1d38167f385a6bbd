package io.tokenmeter.metering.usage;

/**
 * The tokens one phase of a grading session used on one model. Counts are never negative.
 *
 * @param promptTokens uncached input tokens
 * @param cachedTokens input tokens read from the provider's cache
 * @param completionTokens output tokens
 */
public record PhaseUsage(
        String phase, String model, long promptTokens, long cachedTokens, long completionTokens) {

    public PhaseUsage {
        if (promptTokens < 0 || cachedTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException(
                    "negative token count in phase '"
                            + phase
                            + "': prompt="
                            + promptTokens
                            + " cached="
                            + cachedTokens
                            + " completion="
                            + completionTokens);
        }
        phase = phase == null ? "" : phase;
        model = model == null ? "" : model;
    }

    /** Tokens counted against a limit: prompt + cached + completion. */
    public long totalTokens() {
        return Math.addExact(Math.addExact(promptTokens, cachedTokens), completionTokens);
    }
}
