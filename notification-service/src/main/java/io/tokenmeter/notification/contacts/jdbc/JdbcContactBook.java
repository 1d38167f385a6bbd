package io.tokenmeter.notification.contacts.jdbc;

import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.StripeEmail;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
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

    @Override
    public Optional<StoredContact> find(String userId) {
        return jdbc.sql(
                        """
                        SELECT email, locale, 1 AS rank FROM contacts WHERE user_id = :user
                        UNION ALL
                        SELECT email, NULL, 2 FROM stripe_user_emails WHERE user_id = :user
                        UNION ALL
                        SELECT e.email, NULL, 3 FROM stripe_customer_emails e
                        JOIN subscription_states s ON s.stripe_customer_id = e.customer_id
                        WHERE s.user_id = :user
                        ORDER BY rank LIMIT 1
                        """)
                .param("user", userId)
                .query(
                        (row, index) ->
                                new StoredContact(
                                        userId, row.getString("email"), row.getString("locale")))
                .optional();
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
    public boolean isUnsubscribed(String userId) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM unsubscribed WHERE user_id = ?)")
                .param(userId)
                .query(Boolean.class)
                .single();
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
