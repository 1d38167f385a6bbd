package io.tokenmeter.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contract's environment variables (CONTRACT §6) for a local run: whatever the caller's
 * environment sets wins; the rest gets a development default that is obviously not a real secret.
 */
record DevSettings(Map<String, String> values) {

    static final Map<String, String> DEFAULTS =
            Map.ofEntries(
                    Map.entry("STRIPE_WEBHOOK_SECRET", "whsec_local_development_only"),
                    Map.entry("STRIPE_SECRET_KEY", "sk_test_local_development_only"),
                    Map.entry("STRIPE_PRICE_ID_ESSENTIEL", "price_local_essentiel"),
                    Map.entry("STRIPE_PRICE_ID_PRO", "price_local_pro"),
                    Map.entry("STRIPE_PRICE_ID_MAX", "price_local_max"),
                    Map.entry("FRONTEND_URL", "http://localhost:8080"),
                    Map.entry("AUTH_JWT_SECRET", "local-development-only-jwt-secret-0123456789"),
                    Map.entry("METERING_API_TOKEN", "local-development-only-metering-token"),
                    // notification-service mails the local SMTP server (LocalMail).
                    Map.entry("SMTP_HOST", "127.0.0.1"),
                    Map.entry("SMTP_PORT", String.valueOf(LocalMail.SMTP_PORT)),
                    Map.entry("MAIL_FROM", "tokenmeter <notifications@tokenmeter.local>"),
                    Map.entry("PUBLIC_BASE_URL", "http://localhost:8084"),
                    // Lets the services accept the values above, which production refuses.
                    Map.entry("TOKENMETER_ENV", "development"));

    static DevSettings fromEnvironment(Map<String, String> environment) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        environment.forEach(
                (name, value) -> {
                    if (DEFAULTS.containsKey(name) && !value.isBlank()) {
                        values.put(name, value);
                    }
                });
        return new DevSettings(Map.copyOf(values));
    }

    String get(String name) {
        return values.get(name);
    }

    /** What every service process gets on top of the inherited environment. */
    Map<String, String> serviceEnvironment(String kafka, Database database) {
        Map<String, String> environment = new LinkedHashMap<>(values);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        environment.put("DATABASE_URL", database.jdbcUrl());
        environment.put("DATABASE_USER", database.user());
        environment.put("DATABASE_PASSWORD", database.password());
        return environment;
    }
}
