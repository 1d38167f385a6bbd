package io.tokenmeter.subscription.state;

import io.tokenmeter.schemas.Tier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A {@link SubscriptionBook} on in-memory ports, for tests of the core. */
public final class InMemoryBook {

    static final PriceTiers PRICES =
            new PriceTiers(
                    Map.of(
                            Tier.ESSENTIEL, "price_essentiel",
                            Tier.PRO, "price_pro",
                            Tier.MAX, "price_max"));

    final Set<String> processed = new HashSet<>();
    final List<Stored> facts = new ArrayList<>();
    final Map<String, String> links = new HashMap<>();
    final Map<String, UserSubscription> states = new HashMap<>();
    final List<UserSubscription> published = new ArrayList<>();
    final List<Long> publishedVersions = new ArrayList<>();
    final Map<String, Long> versions = new HashMap<>();
    final List<String> unknownPrices = new ArrayList<>();
    final SubscriptionBook book;

    public InMemoryBook() {
        book =
                new SubscriptionBook(
                        processed::add,
                        new Facts(),
                        new Links(),
                        new UserSubscriptions() {
                            @Override
                            public Optional<UserSubscription> find(String userId) {
                                return Optional.ofNullable(states.get(userId));
                            }

                            @Override
                            public Optional<UserSubscription> findForChange(String userId) {
                                return find(userId);
                            }

                            @Override
                            public long save(UserSubscription state, Instant updatedAt) {
                                states.put(state.userId(), state);
                                return versions.merge(state.userId(), 1L, Long::sum);
                            }
                        },
                        (state, updatedAt, version) -> {
                            published.add(state);
                            publishedVersions.add(version);
                        },
                        (fact, price) -> unknownPrices.add(price),
                        PRICES,
                        Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
    }

    public InMemoryBook deliver(List<StripeFact> events) {
        events.forEach(book::record);
        return this;
    }

    public UserSubscription state(String userId) {
        return book.of(userId);
    }

    static final class Stored {
        final StripeFact fact;
        String owner;

        Stored(StripeFact fact, String owner) {
            this.fact = fact;
            this.owner = owner;
        }
    }

    private final class Facts implements FactLog {
        private final Map<String, List<Stored>> byOwner = new HashMap<>();
        private final List<Stored> parked = new ArrayList<>();

        @Override
        public boolean append(StripeFact fact, String userId) {
            Stored stored = new Stored(fact, userId);
            facts.add(stored);
            if (userId == null) {
                parked.add(stored);
                return true;
            }
            List<Stored> own = byOwner.computeIfAbsent(userId, u -> new ArrayList<>());
            boolean known = own.stream().anyMatch(s -> s.fact.identity().equals(fact.identity()));
            own.add(stored);
            return !known;
        }

        @Override
        public int claimParked(String userId, String subscriptionId, String customerId) {
            int claimed = 0;
            for (var it = parked.iterator(); it.hasNext(); ) {
                Stored stored = it.next();
                if (subscriptionId != null && subscriptionId.equals(stored.fact.subscriptionId())
                        || customerId != null && customerId.equals(stored.fact.customerId())) {
                    stored.owner = userId;
                    byOwner.computeIfAbsent(userId, u -> new ArrayList<>()).add(stored);
                    it.remove();
                    claimed++;
                }
            }
            return claimed;
        }

        @Override
        public List<StripeFact> of(String userId) {
            return byOwner.getOrDefault(userId, List.of()).stream().map(s -> s.fact).toList();
        }
    }

    private final class Links implements StripeLinks {
        @Override
        public Optional<String> userOf(String subscriptionId, String customerId) {
            return Optional.ofNullable(subscriptionId == null ? null : links.get(subscriptionId))
                    .or(
                            () ->
                                    Optional.ofNullable(
                                            customerId == null ? null : links.get(customerId)));
        }

        @Override
        public void link(String userId, String subscriptionId, String customerId) {
            if (subscriptionId != null) {
                links.putIfAbsent(subscriptionId, userId);
            }
            if (customerId != null) {
                links.putIfAbsent(customerId, userId);
            }
            Objects.requireNonNull(userId);
        }
    }
}
