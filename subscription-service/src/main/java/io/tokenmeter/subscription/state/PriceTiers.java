package io.tokenmeter.subscription.state;

import io.tokenmeter.schemas.Tier;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which Stripe price id sells which tier ({@code STRIPE_PRICE_ID_*}, CONTRACT rule 4). A price that
 * is not configured maps to no tier.
 */
public final class PriceTiers {

    private final Map<Tier, String> prices;

    public PriceTiers(Map<Tier, String> prices) {
        this.prices = new EnumMap<>(Tier.class);
        this.prices.putAll(prices);
        this.prices.values().removeIf(price -> price == null || price.isBlank());
    }

    public Optional<Tier> tierOf(String priceId) {
        return prices.entrySet().stream()
                .filter(entry -> entry.getValue().equals(priceId))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    public Optional<String> priceOf(Tier tier) {
        return Optional.ofNullable(prices.get(tier));
    }
}
