package io.tokenmeter.notification.alerts;

/** What a notification tells; each kind has its email template and its webhook event type. */
public enum Kind {
    THRESHOLD_70("threshold-70", "usage.threshold_crossed"),
    THRESHOLD_90("threshold-90", "usage.threshold_crossed"),
    THRESHOLD_100("threshold-100", "usage.threshold_crossed"),
    PAYMENT_FAILED("payment-failed", "subscription.payment_failed"),
    PAYMENT_RECOVERED("payment-recovered", "subscription.updated"),
    TIER_CHANGED("tier-changed", "subscription.updated"),
    CANCELED("canceled", "subscription.updated");

    private final String template;
    private final String webhookType;

    Kind(String template, String webhookType) {
        this.template = template;
        this.webhookType = webhookType;
    }

    /** The email template's name. */
    public String template() {
        return template;
    }

    /** The webhook's {@code type}. */
    public String webhookType() {
        return webhookType;
    }

    public boolean isUsage() {
        return this == THRESHOLD_70 || this == THRESHOLD_90 || this == THRESHOLD_100;
    }

    static Kind threshold(int percent) {
        return switch (percent) {
            case 70 -> THRESHOLD_70;
            case 90 -> THRESHOLD_90;
            case 100 -> THRESHOLD_100;
            default -> throw new IllegalArgumentException("no threshold " + percent);
        };
    }
}
