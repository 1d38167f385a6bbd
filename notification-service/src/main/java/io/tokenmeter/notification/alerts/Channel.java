package io.tokenmeter.notification.alerts;

/** How a notification travels: each notification is delivered once on each channel. */
public enum Channel {
    /** To the user's address, if they have one and did not unsubscribe. */
    EMAIL,
    /** To the grading application's endpoint, signed (Standard Webhooks). */
    WEBHOOK
}
