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
        String[] ids = ids(subscriptionId, customerId);
        lock(ids);
        // The subscription's link first: a customer may later subscribe for another user.
        return jdbc.sql(
                        "SELECT user_id FROM stripe_link WHERE stripe_id = ANY(?)"
                                + " ORDER BY stripe_id IS DISTINCT FROM ? LIMIT 1")
                .params(ids, subscriptionId)
                .query(String.class)
                .optional();
    }

    @Override
    public void link(String userId, String subscriptionId, String customerId) {
        String[] ids = ids(subscriptionId, customerId);
        lock(ids);
        jdbc.sql(
                        "INSERT INTO stripe_link (stripe_id, user_id)"
                                + " SELECT id, ? FROM unnest(?::text[]) AS id ON CONFLICT DO NOTHING")
                .params(userId, ids)
                .update();
    }

    /** One statement for all the ids, in a fixed order so that two transactions never cross. */
    private void lock(String[] ids) {
        // PostgreSQL evaluates a volatile select list after the sort.
        jdbc.sql(
                        "SELECT pg_advisory_xact_lock(hashtextextended(id, 0))"
                                + " FROM unnest(?::text[]) AS id ORDER BY id")
                .param(ids)
                .query((rs, row) -> 1)
                .list();
    }

    private static String[] ids(String subscriptionId, String customerId) {
        return Stream.of(subscriptionId, customerId)
                .filter(Objects::nonNull)
                .distinct()
                .toArray(String[]::new);
    }
}
