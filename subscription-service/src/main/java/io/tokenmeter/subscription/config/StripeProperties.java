package io.tokenmeter.subscription.config;

import io.tokenmeter.schemas.Tier;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Stripe settings ({@code STRIPE_SECRET_KEY}, {@code STRIPE_API_BASE}, and in {@code prices} the
 * configured price of each paid tier, {@code STRIPE_PRICE_ID_*}), mapped in {@code
 * application.yml}. Blank means unset.
 */
@ConfigurationProperties("tokenmeter.stripe")
public record StripeProperties(String secretKey, String apiBase, Map<Tier, String> prices) {}
