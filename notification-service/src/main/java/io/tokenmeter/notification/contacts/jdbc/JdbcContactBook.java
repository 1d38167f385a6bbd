package io.tokenmeter.notification.contacts.jdbc;

import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@link ContactBook} on PostgreSQL: {@code contacts} and {@code unsubscribed}. */
public class JdbcContactBook implements ContactBook {

    private final JdbcClient jdbc;

    public JdbcContactBook(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<StoredContact> find(String userId) {
        return jdbc.sql("SELECT user_id, email, locale FROM contacts WHERE user_id = ?")
                .param(userId)
                .query(
                        (row, index) ->
                                new StoredContact(
                                        row.getString("user_id"),
                                        row.getString("email"),
                                        row.getString("locale")))
                .optional();
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
