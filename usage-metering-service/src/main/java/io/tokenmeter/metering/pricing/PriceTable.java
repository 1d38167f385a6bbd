package io.tokenmeter.metering.pricing;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Model list prices by model name, as of a stated date. Names match case-insensitively, and a dated
 * snapshot name ({@code gpt-4o-2024-08-06}, {@code claude-sonnet-4-20250514}) or a {@code -latest}
 * alias falls back to its base name when the table has no entry for it. Deliberately no looser
 * matching: {@code gpt-5-pro} must not be priced as {@code gpt-5}.
 */
public final class PriceTable {

    private static final Pattern SNAPSHOT_SUFFIX =
            Pattern.compile("(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|-latest|@\\d{8})$");

    private final String pricesAsOf;
    private final Map<String, ModelPrice> prices;

    public PriceTable(String pricesAsOf, Map<String, ModelPrice> prices) {
        this.pricesAsOf = pricesAsOf;
        this.prices = new TreeMap<>();
        prices.forEach((model, price) -> this.prices.put(normalize(model), price));
    }

    /** The date the prices were taken from the providers' price lists. */
    public String pricesAsOf() {
        return pricesAsOf;
    }

    public int size() {
        return prices.size();
    }

    public Optional<ModelPrice> find(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String name = normalize(model);
        ModelPrice exact = prices.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(prices.get(SNAPSHOT_SUFFIX.matcher(name).replaceFirst("")));
    }

    private static String normalize(String model) {
        return model.strip().toLowerCase(Locale.ROOT);
    }
}
