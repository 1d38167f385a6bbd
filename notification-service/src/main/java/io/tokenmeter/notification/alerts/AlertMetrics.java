package io.tokenmeter.notification.alerts;

/** What alerting counts (port). */
public interface AlertMetrics {

    void queued(Kind kind, Channel channel);

    /** A cause too old when first seen to be worth telling (a replay, a far-behind consumer). */
    void stale(Kind kind);
}
