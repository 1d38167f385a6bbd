package io.tokenmeter.notification.alerts;

import java.time.Instant;

/** What happened to a user that they and the grading application are told about. */
public sealed interface Cause permits UsageAlert, SubscriptionAlert {

    String userId();

    /** When it happened (not when it was seen). */
    Instant occurredAt();
}
