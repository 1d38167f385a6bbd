package io.tokenmeter.notification.contacts;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Users' addresses and unsubscriptions (port). */
public interface ContactBook {

    /**
     * For each of the users, in one lookup (a claimed batch's emails ask for all their users at
     * once): where their emails go, the contact the app set (if it removed it: nowhere), else the
     * newest address Stripe gave for the user or their customer, as stored (it may not pass {@link
     * Contact}'s rules); and whether they unsubscribed.
     */
    Map<String, Recipient> recipients(Collection<String> userIds);

    /** Remembers addresses from Stripe events; an older event's address never replaces a newer. */
    void rememberStripeEmails(List<StripeEmail> emails);

    void put(Contact contact, Instant at);

    /**
     * Forgets the user's address, Stripe's included: the app said where emails go, and now says
     * nowhere. Also when there was none.
     */
    void remove(String userId, Instant at);

    /** The user gets no more emails; also when already unsubscribed. */
    void unsubscribe(String userId, Instant at);

    /** A stored row, unchecked: the database may hold what the rules of today refuse. */
    record StoredContact(String userId, String email, String locale) {}

    /** Where a user's emails go (empty: no address known) and whether they unsubscribed. */
    record Recipient(Optional<StoredContact> contact, boolean unsubscribed) {}
}
