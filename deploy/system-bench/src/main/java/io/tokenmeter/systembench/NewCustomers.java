package io.tokenmeter.systembench;

import io.tokenmeter.localstack.StripePayloads;
import io.tokenmeter.testsupport.StripeEvent.SignedDelivery;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What Stripe delivers when a new customer subscribes: a completed checkout, the subscription (PRO
 * unless told otherwise), and its first paid invoice, each as a signed HTTP request to the ingress,
 * ready to write on a keep-alive connection.
 */
final class NewCustomers {

    static final String PATH = "/api/subscription/webhook";

    private NewCustomers() {}

    static String user(String prefix, int i) {
        return prefix + "_" + i;
    }

    /** The three requests of customer {@code i} of {@code prefix} on PRO, in Stripe's order. */
    static List<byte[]> requests(String prefix, int i) {
        return requests(prefix, i, Stack.PRICE_PRO);
    }

    /** The same on the tier of {@code price} (one of {@link Stack}'s prices). */
    static List<byte[]> requests(String prefix, int i, String price) {
        String user = user(prefix, i);
        String customer = "cus_" + user;
        String subscription = "sub_" + user;
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant end = now.plus(30, ChronoUnit.DAYS);
        return List.of(
                request(StripePayloads.checkoutCompleted(user, customer, subscription, now)),
                request(
                        StripePayloads.subscription(
                                user,
                                customer,
                                subscription,
                                "customer.subscription.created",
                                price,
                                now,
                                end,
                                now)),
                request(
                        StripePayloads.invoicePaid(
                                user,
                                customer,
                                subscription,
                                "subscription_create",
                                now,
                                end,
                                now)));
    }

    static byte[] request(String body) {
        SignedDelivery delivery = SignedDelivery.sign(body, Stack.WEBHOOK_SECRET, Instant.now());
        return HttpLoad.jsonRequest(
                "POST", PATH, "Stripe-Signature: " + delivery.signatureHeader(), body);
    }
}
