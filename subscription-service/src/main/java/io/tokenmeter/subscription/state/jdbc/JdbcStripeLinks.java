package io.tokenmeter.subscription.state.jdbc;

import io.tokenmeter.subscription.state.StripeLinks;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Links in PostgreSQL. Looking up and creating links take a transaction-scoped advisory lock per
 * Stripe id, so that a fact parked for lack of a link and the link that would claim it never pass
 * each other in concurrent transactions (two partitions, two instances).
 */
@Component
class JdbcStripeLinks implements StripeLinks {

    private final JdbcClient jdbc;

    JdbcStripeLinks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<String> userOf(String subscriptionId, String customerId) {
        lock(subscriptionId, customerId);
        return userOf(subscriptionId).or(() -> userOf(customerId));
    }

    @Override
    public void link(String userId, String subscriptionId, String customerId) {
        lock(subscriptionId, customerId);
        Stream.of(subscriptionId, customerId)
                .filter(Objects::nonNull)
                .forEach(
                        id ->
                                jdbc.sql(
                                                "INSERT INTO stripe_link (stripe_id, user_id)"
                                                        + " VALUES (?, ?) ON CONFLICT DO NOTHING")
                                        .params(id, userId)
                                        .update());
    }

    private Optional<String> userOf(String stripeId) {
        if (stripeId == null) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT user_id FROM stripe_link WHERE stripe_id = ?")
                .param(stripeId)
                .query(String.class)
                .optional();
    }

    private void lock(String... stripeIds) {
        Stream.of(stripeIds)
                .filter(Objects::nonNull)
                .sorted()
                .forEach(
                        id ->
                                jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")
                                        .param(id)
                                        .query((rs, row) -> 1)
                                        .list());
    }
}
