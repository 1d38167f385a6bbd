package io.tokenmeter.schemas;

import java.util.Locale;

/** How the broker keeps a topic's records: all of them for a while, or the latest per key. */
public enum CleanupPolicy {
    DELETE,
    COMPACT;

    /** The value of the topic's {@code cleanup.policy} config: the name in lower case. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
