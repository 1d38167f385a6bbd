package io.tokenmeter.platform.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Refuses to start a service whose secrets (CONTRACT §6) are known or weak, unless {@code
 * TOKENMETER_ENV=development}. It runs once the environment is complete (tests' properties
 * included) and before any bean exists, so a refused service never touches Kafka, the database or a
 * port. Every service gets it by depending on {@code platform} ({@code META-INF/spring.factories}).
 *
 * <p>A secret that is not set is left to its service (which then refuses every request that needs
 * it); a comma-separated list (secrets during a rotation) is checked entry by entry.
 */
public class SecretsStartupCheck implements ApplicationListener<ApplicationPreparedEvent> {

    private static final Logger log = LoggerFactory.getLogger(SecretsStartupCheck.class);

    /** The contract's secret variables; those holding several comma-separated values are lists. */
    static final List<String> SECRETS =
            List.of(
                    "AUTH_JWT_SECRET",
                    "METERING_API_TOKEN",
                    "STRIPE_SECRET_KEY",
                    "STRIPE_WEBHOOK_SECRET",
                    "DATABASE_PASSWORD",
                    "SMTP_PASSWORD",
                    "NOTIFY_WEBHOOK_SECRET");

    static final List<String> LISTS = List.of("STRIPE_WEBHOOK_SECRET", "NOTIFY_WEBHOOK_SECRET");

    static final String ENVIRONMENT = "TOKENMETER_ENV";
    static final String DEVELOPMENT = "development";

    /** Throws {@link WeakSecretsException} naming every weak secret, unless in development mode. */
    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        List<String> problems = problems(environment);
        if (problems.isEmpty()) {
            return;
        }
        if (isDevelopment(environment)) {
            log.warn(
                    "TOKENMETER_ENV=development: accepting development secrets ({}); never run"
                            + " this way in production",
                    String.join(", ", names(problems)));
            return;
        }
        throw new WeakSecretsException(problems);
    }

    /** Whether {@code TOKENMETER_ENV=development}: anything else, or nothing, is production. */
    public static boolean isDevelopment(Environment environment) {
        return DEVELOPMENT.equals(
                environment.getProperty(ENVIRONMENT, "").trim().toLowerCase(Locale.ROOT));
    }

    static List<String> problems(Environment environment) {
        List<String> problems = new ArrayList<>();
        for (String name : SECRETS) {
            String value = environment.getProperty(name, "");
            List<String> entries =
                    LISTS.contains(name) ? List.of(value.split(",")) : List.of(value);
            for (String entry : entries) {
                if (entry.isBlank()) {
                    continue;
                }
                WeakSecrets.weakness(entry.trim())
                        .ifPresent(reason -> problems.add(name + " " + reason));
            }
        }
        return problems;
    }

    private static List<String> names(List<String> problems) {
        return problems.stream().map(problem -> problem.split(" ", 2)[0]).distinct().toList();
    }

    /** A service refused to start: its message names the variables, never their values. */
    public static class WeakSecretsException extends IllegalStateException {

        WeakSecretsException(List<String> problems) {
            super(
                    "refusing to start with known or weak secrets: "
                            + String.join("; ", problems)
                            + ". Set each to a random value (openssl rand -base64 32; Stripe's"
                            + " values as the Stripe dashboard gives them), or set"
                            + " TOKENMETER_ENV=development on a development machine.");
        }
    }
}
