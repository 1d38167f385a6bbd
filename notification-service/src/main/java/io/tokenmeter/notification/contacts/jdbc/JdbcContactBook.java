package io.tokenmeter.notification.contacts.jdbc;

import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.StripeEmail;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link ContactBook} on PostgreSQL: {@code contacts} (the app's), {@code stripe_user_emails} and
 * {@code stripe_customer_emails} (Stripe's; a customer's address reaches its user through the kept
 * subscription states) and {@code unsubscribed}.
 */
public class JdbcContactBook implements ContactBook {

    private final JdbcClient jdbc;

    public JdbcContactBook(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One statement for all the users: the app's contact (a row without address included) before
     * Stripe's address for the user, before Stripe's address for the user's customer.
     */
    @Override
    public Map<String, Recipient> recipients(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Recipient> recipients = new HashMap<>();
        jdbc.sql(
                        """
                        SELECT u.user_id,
                               c.user_id IS NOT NULL OR su.email IS NOT NULL
                                   OR sc.email IS NOT NULL AS known,
                               CASE WHEN c.user_id IS NOT NULL THEN c.email
                                    ELSE COALESCE(su.email, sc.email) END AS email,
                               c.locale,
                               EXISTS (SELECT 1 FROM unsubscribed x WHERE x.user_id = u.user_id)
                                   AS unsubscribed
                        FROM unnest(CAST(:users AS text[])) AS u(user_id)
                        LEFT JOIN contacts c ON c.user_id = u.user_id
                        LEFT JOIN stripe_user_emails su ON su.user_id = u.user_id
                        LEFT JOIN LATERAL (
                            SELECT e.email FROM stripe_customer_emails e
                            JOIN subscription_states s ON s.stripe_customer_id = e.customer_id
                            WHERE s.user_id = u.user_id LIMIT 1) sc ON true
                        """)
                .param("users", new LinkedHashSet<>(userIds).toArray(String[]::new))
                .query(
                        (row, index) -> {
                            String userId = row.getString("user_id");
                            Optional<StoredContact> contact =
                                    row.getBoolean("known")
                                            ? Optional.of(
                                                    new StoredContact(
                                                            userId,
                                                            row.getString("email"),
                                                            row.getString("locale")))
                                            : Optional.empty();
                            return Map.entry(
                                    userId, new Recipient(contact, row.getBoolean("unsubscribed")));
                        })
                .list()
                .forEach(entry -> recipients.put(entry.getKey(), entry.getValue()));
        return recipients;
    }

    @Override
    public void rememberStripeEmails(List<StripeEmail> emails) {
        for (StripeEmail email : emails) {
            Timestamp created = Timestamp.from(email.eventCreated());
            if (email.userId() != null) {
                jdbc.sql(
                                """
                                INSERT INTO stripe_user_emails (user_id, email, event_created)
                                VALUES (?, ?, ?)
                                ON CONFLICT (user_id) DO UPDATE SET email = excluded.email,
                                    event_created = excluded.event_created
                                WHERE stripe_user_emails.event_created <= excluded.event_created
                                """)
                        .params(email.userId(), email.email(), created)
                        .update();
            }
            if (email.customerId() != null) {
                jdbc.sql(
                                """
                                INSERT INTO stripe_customer_emails (customer_id, email, event_created)
                                VALUES (?, ?, ?)
                                ON CONFLICT (customer_id) DO UPDATE SET email = excluded.email,
                                    event_created = excluded.event_created
                                WHERE stripe_customer_emails.event_created <= excluded.event_created
                                """)
                        .params(email.customerId(), email.email(), created)
                        .update();
            }
        }
    }

    @Override
    public void put(Contact contact, Instant at) {
        jdbc.sql(
                        """
                        INSERT INTO contacts (user_id, email, locale, updated_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (user_id) DO UPDATE SET email = excluded.email,
                            locale = excluded.locale, updated_at = excluded.updated_at
                        """)
                .params(contact.userId(), contact.email(), contact.locale(), Timestamp.from(at))
                .update();
    }

    @Override
    public void remove(String userId, Instant at) {
        jdbc.sql(
                        """
                        INSERT INTO contacts (user_id, email, locale, updated_at)
                        VALUES (?, NULL, NULL, ?)
                        ON CONFLICT (user_id) DO UPDATE SET email = NULL, locale = NULL,
                            updated_at = excluded.updated_at
                        """)
                .params(userId, Timestamp.from(at))
                .update();
    }

    @Override
    public void unsubscribe(String userId, Instant at) {
        jdbc.sql(
                        "INSERT INTO unsubscribed (user_id, unsubscribed_at) VALUES (?, ?)"
                                + " ON CONFLICT (user_id) DO NOTHING")
                .params(userId, Timestamp.from(at))
                .update();
    }
}
