package io.tokenmeter.schemas;

/** How the broker keeps a topic's records: all of them for a while, or the latest per key. */
public enum CleanupPolicy {
    DELETE("delete"),
    COMPACT("compact");

    private final String configValue;

    CleanupPolicy(String configValue) {
        this.configValue = configValue;
    }

    /** The value of the topic's {@code cleanup.policy} config. */
    public String configValue() {
        return configValue;
    }
}
