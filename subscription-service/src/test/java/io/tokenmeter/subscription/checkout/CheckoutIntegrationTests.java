package io.tokenmeter.subscription.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.subscription.checkout.StripeApiStub.Request;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.SubscriptionBook;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.TestHttp;
import io.tokenmeter.testsupport.TestJwts;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionOperations;

/** Checkout and portal (CONTRACT §3.2) against a local stand-in for the Stripe API. */
// Closed after the class: every instance of this service publishes to the same state topic, and
// tests that read it must see only their own instance's records.
@DirtiesContext
@IntegrationTest(
        properties = {
            "AUTH_JWT_SECRET=" + TestJwts.SECRET,
            "STRIPE_SECRET_KEY=sk_test_checkout",
            "STRIPE_PRICE_ID_ESSENTIEL=price_essentiel",
            "STRIPE_PRICE_ID_PRO=price_pro",
            "STRIPE_PRICE_ID_MAX=price_max",
            "FRONTEND_URL=https://app.example.test"
        })
class CheckoutIntegrationTests {

    private static final StripeApiStub STRIPE = new StripeApiStub();

    @DynamicPropertySource
    static void stripeApiBase(DynamicPropertyRegistry registry) {
        registry.add("STRIPE_API_BASE", STRIPE::baseUrl);
    }

    @AfterAll
    static void stopStripe() {
        STRIPE.close();
    }

    @LocalServerPort int port;
    @Autowired SubscriptionBook book;
    @Autowired TransactionOperations transactions;

    @BeforeEach
    void reset() {
        STRIPE.requests().clear();
        STRIPE.failing(false);
    }

    @Test
    void letsTheFrontEndsOriginCallCheckoutFromTheBrowserAndNoOtherOrigin() {
        HttpResponse<String> allowed = preflight("https://app.example.test");
        HttpResponse<String> refused = preflight("https://evil.example.test");

        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue("https://app.example.test");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .containsIgnoringCase("authorization");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private HttpResponse<String> preflight(String origin) {
        TestHttp http = new TestHttp(port);
        return http.send(
                http.request("/api/subscription/checkout/pro")
                        .header("Origin", origin)
                        .header("Access-Control-Request-Method", "GET")
                        .header("Access-Control-Request-Headers", "authorization")
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .build());
    }

    @Test
    void createsASubscriptionCheckoutForTheTiersPriceCarryingTheUser() {
        HttpResponse<String> response = get("/api/subscription/checkout/Pro", "u_checkout");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"checkout_url\":\"https://checkout.stripe.com/c/pay/cs_test_stub\"")
                .contains("\"session_id\":\"cs_test_stub\"");
        Request sent = STRIPE.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/checkout/sessions");
        assertThat(sent.authorization()).isEqualTo("Bearer sk_test_checkout");
        assertThat(sent.form())
                .containsEntry("mode", "subscription")
                .containsEntry("line_items[0][price]", "price_pro")
                .containsEntry("line_items[0][quantity]", "1")
                .containsEntry("client_reference_id", "u_checkout")
                .containsEntry("subscription_data[metadata][user_id]", "u_checkout")
                .doesNotContainKey("customer");
        assertThat(sent.form().get("success_url")).startsWith("https://app.example.test/");
        assertThat(sent.form().get("cancel_url")).startsWith("https://app.example.test/");
    }

    @Test
    void reusesTheUsersStripeCustomer() {
        linkCustomer("u_returning", "cus_returning");

        assertThat(get("/api/subscription/checkout/essentiel", "u_returning").statusCode())
                .isEqualTo(200);

        assertThat(STRIPE.requests().get(0).form())
                .containsEntry("customer", "cus_returning")
                .containsEntry("line_items[0][price]", "price_essentiel");
    }

    @Test
    void refusesATierThatIsNotForSale() {
        for (String tier : new String[] {"free", "platinum"}) {
            HttpResponse<String> response = get("/api/subscription/checkout/" + tier, "u_1");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(
                            type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(response.body()).contains("\"detail\"").contains(tier);
        }
        assertThat(STRIPE.requests()).isEmpty();
    }

    @Test
    void answers502WhenStripeFails() {
        STRIPE.failing(true);

        HttpResponse<String> response = get("/api/subscription/checkout/max", "u_1");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body())
                .contains("\"detail\"")
                .doesNotContain("Exception")
                .doesNotContain("at io.");
    }

    @Test
    void refusesAnonymousCallers() {
        HttpResponse<String> response = new TestHttp(port).get("/api/subscription/checkout/pro");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(STRIPE.requests()).isEmpty();
    }

    @Test
    void opensTheBillingPortalForTheUsersCustomer() {
        linkCustomer("u_portal", "cus_portal");

        HttpResponse<String> response = post("/api/subscription/portal", "u_portal");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"portal_url\":\"https://billing.stripe.com/p/session/bps_stub\"");
        Request sent = STRIPE.requests().get(0);
        assertThat(sent.path()).isEqualTo("/v1/billing_portal/sessions");
        assertThat(sent.form()).containsEntry("customer", "cus_portal");
        assertThat(sent.form().get("return_url")).startsWith("https://app.example.test/");
    }

    @Test
    void answers409ForThePortalOfAUserWithoutCustomer() {
        HttpResponse<String> response = post("/api/subscription/portal", "u_nobody");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body()).contains("\"detail\"");
        assertThat(STRIPE.requests()).isEmpty();
    }

    private void linkCustomer(String user, String customer) {
        transactions.executeWithoutResult(
                status ->
                        book.record(
                                new CheckoutCompleted(
                                        "evt_link_" + user,
                                        Instant.parse("2026-11-01T00:00:00Z"),
                                        user,
                                        customer,
                                        null)));
    }

    private HttpResponse<String> get(String path, String user) {
        return new TestHttp(port).get(path, TestJwts.user(user).token());
    }

    private HttpResponse<String> post(String path, String user) {
        TestHttp http = new TestHttp(port);
        return http.send(
                http.request(path)
                        .header("Authorization", "Bearer " + TestJwts.user(user).token())
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build());
    }
}
