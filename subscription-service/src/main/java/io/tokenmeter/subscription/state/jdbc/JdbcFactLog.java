package io.tokenmeter.subscription.state.jdbc;

import io.tokenmeter.subscription.state.BillingPeriod;
import io.tokenmeter.subscription.state.FactKind;
import io.tokenmeter.subscription.state.FactLog;
import io.tokenmeter.subscription.state.StripeFact;
import io.tokenmeter.subscription.state.StripeFact.CheckoutCompleted;
import io.tokenmeter.subscription.state.StripeFact.InvoicePayment;
import io.tokenmeter.subscription.state.StripeFact.SubscriptionChanged;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Facts as flat rows: one column per field any fact type has. */
@Component
class JdbcFactLog implements FactLog {

    private final JdbcClient jdbc;

    JdbcFactLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean append(StripeFact fact, String userId) {
        boolean known =
                userId != null
                        && jdbc.sql(
                                        "SELECT EXISTS (SELECT 1 FROM stripe_fact"
                                                + " WHERE owner_user_id = ? AND identity = ?)")
                                .params(userId, fact.identity())
                                .query(Boolean.class)
                                .single();
        // The fields only some fact types have.
        SubscriptionChanged change = fact instanceof SubscriptionChanged s ? s : null;
        InvoicePayment payment = fact instanceof InvoicePayment p ? p : null;
        BillingPeriod period =
                change != null ? change.period() : payment != null ? payment.billedPeriod() : null;
        jdbc.sql(
                        "INSERT INTO stripe_fact (event_id, owner_user_id, kind, created, identity,"
                                + " subscription_id, customer_id, user_id, invoice_id, status,"
                                + " price_id, period_start, period_end)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        fact.eventId(),
                        userId,
                        fact.kind().name(),
                        Timestamp.from(fact.created()),
                        fact.identity(),
                        fact.subscriptionId(),
                        fact.customerId(),
                        fact.userId(),
                        payment == null ? null : payment.invoiceId(),
                        change == null ? null : change.status(),
                        change == null ? null : change.price(),
                        period == null ? null : Timestamp.from(period.start()),
                        period == null ? null : Timestamp.from(period.end()))
                .update();
        return !known;
    }

    @Override
    public int claimParked(String userId, String subscriptionId, String customerId) {
        return jdbc.sql(
                        "UPDATE stripe_fact SET owner_user_id = ? WHERE owner_user_id IS NULL"
                                + " AND (subscription_id = ? OR customer_id = ?)")
                .params(userId, subscriptionId, customerId)
                .update();
    }

    @Override
    public List<StripeFact> of(String userId) {
        return jdbc.sql("SELECT * FROM stripe_fact WHERE owner_user_id = ?")
                .param(userId)
                .query(JdbcFactLog::fact)
                .list();
    }

    private static StripeFact fact(ResultSet rs, int row) throws SQLException {
        String eventId = rs.getString("event_id");
        Instant created = rs.getTimestamp("created").toInstant();
        String subscription = rs.getString("subscription_id");
        String customer = rs.getString("customer_id");
        String user = rs.getString("user_id");
        String invoice = rs.getString("invoice_id");
        Timestamp start = rs.getTimestamp("period_start");
        Timestamp end = rs.getTimestamp("period_end");
        BillingPeriod period =
                start == null || end == null
                        ? null
                        : new BillingPeriod(start.toInstant(), end.toInstant());
        FactKind kind = FactKind.valueOf(rs.getString("kind"));
        return switch (kind) {
            case CHECKOUT_COMPLETED ->
                    new CheckoutCompleted(eventId, created, user, customer, subscription);
            case SUBSCRIPTION_CREATED, SUBSCRIPTION_UPDATED, SUBSCRIPTION_DELETED ->
                    new SubscriptionChanged(
                            eventId,
                            created,
                            kind,
                            subscription,
                            customer,
                            user,
                            rs.getString("status"),
                            rs.getString("price_id"),
                            period);
            case INVOICE_PAID, INVOICE_PAYMENT_FAILED ->
                    new InvoicePayment(
                            eventId,
                            created,
                            kind == FactKind.INVOICE_PAID,
                            invoice,
                            subscription,
                            customer,
                            user,
                            period);
        };
    }
}
