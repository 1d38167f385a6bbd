package io.tokenmeter.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import io.tokenmeter.testsupport.TestHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@IntegrationTest(properties = "METERING_API_TOKEN=" + NotificationApplicationIntegrationTests.TOKEN)
class NotificationApplicationIntegrationTests extends ServiceConventionsTests {

    static final String TOKEN = "app-test-token";
    static final Mailbox mailbox = new Mailbox();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", mailbox::port);
    }

    @AfterAll
    static void stopSmtp() {
        mailbox.stop();
    }

    NotificationApplicationIntegrationTests() {
        super(
                "notification-service",
                List.of(),
                List.of(
                        Topics.USAGE_THRESHOLD,
                        Topics.SUBSCRIPTION_STATE,
                        Topics.STRIPE_WEBHOOK_EVENTS),
                "/api/notifications/contacts/{userId}");
    }

    @Test
    void reportsAnUnreachableSmtpServerWithoutFailingReadiness() {
        TestHttp http = new TestHttp(port);
        mailbox.stop();
        try {
            HttpResponse<String> health = http.get("/actuator/health");

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"");
            assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
            assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
        } finally {
            mailbox.start();
        }
        assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void exposesTheNotificationMetrics() {
        String metrics = new TestHttp(managementPort).get("/actuator/prometheus").body();

        assertThat(metrics)
                .contains("tokenmeter_notifications_oldest_pending_age_seconds")
                .contains("tokenmeter_notifications_pending");
    }

    @Test
    void refusesContactsWithoutTheServiceToken() {
        HttpResponse<String> response =
                put("/api/notifications/contacts/u_1", "{\"email\":\"a@example.test\"}", "wrong");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("application/problem+json"));
    }

    @Test
    void refusesAnInvalidAddressOrLocaleAsAProblem() {
        for (String body :
                new String[] {
                    "{\"email\":\"not-an-address\"}",
                    "{\"email\":\"a@example.test\\r\\nBcc: b@evil.test\"}",
                    "{\"email\":\"a@example.test\",\"locale\":\"../../etc/passwd\"}",
                    "{\"locale\":\"fr\"}",
                    "{\"email\":"
                }) {
            HttpResponse<String> response = put("/api/notifications/contacts/u_1", body, TOKEN);

            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(
                            type -> assertThat(type).contains("application/problem+json"));
            assertThat(response.body()).contains("\"detail\"");
        }
    }

    @Test
    void setsAndRemovesAContact() {
        assertThat(
                        put(
                                        "/api/notifications/contacts/u_2",
                                        "{\"email\":\"b@example.test\",\"locale\":\"fr\"}",
                                        TOKEN)
                                .statusCode())
                .isEqualTo(204);
        TestHttp http = new TestHttp(port);
        HttpRequest delete =
                http.request("/api/notifications/contacts/u_2")
                        .header("Authorization", "Bearer " + TOKEN)
                        .DELETE()
                        .build();

        assertThat(http.send(delete).statusCode()).isEqualTo(204);
        assertThat(http.send(delete).statusCode()).isEqualTo(204);
    }

    private HttpResponse<String> put(String path, String body, String token) {
        TestHttp http = new TestHttp(port);
        return http.send(
                http.request(path)
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }
}
