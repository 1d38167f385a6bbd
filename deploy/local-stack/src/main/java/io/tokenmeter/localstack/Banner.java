package io.tokenmeter.localstack;

import java.nio.file.Path;
import java.util.List;

/** What a newcomer needs once everything is up. */
final class Banner {

    static final String DEMO_USER = "demo-user";

    private Banner() {}

    static void print(
            DevSettings settings,
            Database database,
            Path data,
            Path logs,
            List<ServiceProcess> services,
            LocalMail mail) {
        String token = DevJwt.forUser(DEMO_USER, settings.get("AUTH_JWT_SECRET"));
        StringBuilder out = new StringBuilder();
        out.append("\n==================== tokenmeter is running ====================\n");
        out.append("Dashboard (signed in as ")
                .append(DEMO_USER)
                .append("):\n  http://localhost:8080/#token=")
                .append(token)
                .append("\n");
        out.append("Stripe webhooks:\n  http://localhost:8081/api/subscription/webhook\n");
        out.append(
                "  stripe listen --forward-to localhost:8081/api/subscription/webhook\n"
                        + "  (then restart with STRIPE_WEBHOOK_SECRET=<the whsec_ it prints>)\n");
        out.append("Dev JWT for ")
                .append(DEMO_USER)
                .append(" (Authorization: Bearer …, valid 30 days):\n  ")
                .append(token)
                .append("\n");
        out.append("Quota API: curl -H 'Authorization: Bearer ")
                .append(settings.get("METERING_API_TOKEN"))
                .append("' http://localhost:8083/api/usage/")
                .append(DEMO_USER)
                .append("\n");
        out.append("Services:\n");
        for (ServiceProcess service : services) {
            out.append(
                    String.format(
                            "  %-26s http://localhost:%d  (OpenAPI /v3/api-docs; metrics"
                                    + " http://localhost:%d/actuator/prometheus)%n",
                            service.definition().name(),
                            service.definition().port(),
                            ServiceProcess.Definition.managementPort(service.definition().port())));
        }
        out.append("Mails (notification-service, to the local SMTP server ")
                .append(settings.get("SMTP_HOST"))
                .append(":")
                .append(settings.get("SMTP_PORT"))
                .append("):\n  ")
                .append(mail.folder())
                .append("/*.eml, or IMAP 127.0.0.1:")
                .append(LocalMail.IMAP_PORT)
                .append(" (login and password: the recipient's address)\n");
        out.append("Kafka:      127.0.0.1:9092\n");
        out.append("PostgreSQL: ").append(database.description()).append("\n");
        out.append("Data:       ").append(data).append(" (kept across restarts)\n");
        out.append("Logs:       ").append(logs).append("\n");
        out.append("Ctrl-C stops everything.\n");
        out.append("===============================================================\n");
        System.out.println(out);
    }
}
