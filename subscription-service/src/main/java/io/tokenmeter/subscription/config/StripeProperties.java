package io.tokenmeter.subscription.config;

import io.tokenmeter.schemas.Tier;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Stripe settings ({@code STRIPE_SECRET_KEY}, {@code STRIPE_API_BASE}, {@code STRIPE_PRICE_ID_*}),
 * mapped in {@code application.yml}. Blank means unset.
 */
@ConfigurationProperties("tokenmeter.stripe")
public record StripeProperties(
        String secretKey,
        String apiBase,
        String priceIdEssentiel,
        String priceIdPro,
        String priceIdMax) {

    /** The configured price of each paid tier. */
    public Map<Tier, String> prices() {
        Map<Tier, String> prices = new EnumMap<>(Tier.class);
        prices.put(Tier.ESSENTIEL, priceIdEssentiel);
        prices.put(Tier.PRO, priceIdPro);
        prices.put(Tier.MAX, priceIdMax);
        return prices;
    }
}
