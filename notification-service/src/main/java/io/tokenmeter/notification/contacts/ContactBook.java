package io.tokenmeter.notification.contacts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users' addresses and unsubscriptions (port). */
public interface ContactBook {

    /**
     * Where the user's emails go: the contact the app set (if it removed it: nowhere), else the
     * newest address Stripe gave for the user or their customer. As stored: it may not pass {@link
     * Contact}'s rules.
     */
    Optional<StoredContact> find(String userId);

    /** Remembers addresses from Stripe events; an older event's address never replaces a newer. */
    void rememberStripeEmails(List<StripeEmail> emails);

    void put(Contact contact, Instant at);

    /**
     * Forgets the user's address, Stripe's included: the app said where emails go, and now says
     * nowhere. Also when there was none.
     */
    void remove(String userId, Instant at);

    boolean isUnsubscribed(String userId);

    /** The user gets no more emails; also when already unsubscribed. */
    void unsubscribe(String userId, Instant at);

    /** A stored row, unchecked: the database may hold what the rules of today refuse. */
    record StoredContact(String userId, String email, String locale) {}
}
