package io.tokenmeter.notification.contacts;

import java.time.Instant;
import java.util.Optional;

/** Users' addresses and unsubscriptions (port). */
public interface ContactBook {

    /**
     * The stored address and locale, as stored: they may no longer pass {@link Contact}'s rules.
     */
    Optional<StoredContact> find(String userId);

    void put(Contact contact, Instant at);

    /** Forgets the user's address; also when there was none. */
    void remove(String userId, Instant at);

    boolean isUnsubscribed(String userId);

    /** The user gets no more emails; also when already unsubscribed. */
    void unsubscribe(String userId, Instant at);

    /** A stored row, unchecked: the database may hold what the rules of today refuse. */
    record StoredContact(String userId, String email, String locale) {}
}
