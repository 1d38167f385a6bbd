package io.tokenmeter.metering.pricing.file;

import io.tokenmeter.metering.pricing.ModelPrice;
import io.tokenmeter.metering.pricing.PriceTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.core.io.FileSystemResourceLoader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the price table from {@code PRICING_FILE}: YAML (or JSON, a subset of it) with {@code
 * prices_as_of} and {@code models: {name: {input, cached_input, output}}} in USD per million
 * tokens. {@code classpath:} names a resource, anything else a file (Spring's resource loading). A
 * malformed file stops the service at startup rather than pricing sessions wrongly.
 *
 * <p>Other URLs ({@code http:}, {@code jar:}...) are refused: prices are read once and trusted, so
 * they come from the image or the service's own disk, not from the network.
 */
public final class PriceTableFile {

    /**
     * A location that starts with a URL scheme (a letter, then letters, digits, '+', '-' or '.',
     * then a colon); one letter and a colon is a Windows drive, not a scheme.
     */
    private static final Pattern URL_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]+:");

    private PriceTableFile() {}

    public static PriceTable load(String location) {
        if (URL_SCHEME.matcher(location).lookingAt()
                && !location.startsWith("classpath:")
                && !location.startsWith("file:")) {
            throw new IllegalStateException(
                    "price table " + location + ": only classpath: resources and files are read");
        }
        try (InputStream in =
                new FileSystemResourceLoader().getResource(location).getInputStream()) {
            Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return parse(location, document);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the price table " + location, e);
        }
    }

    private static PriceTable parse(String location, Object document) {
        if (!(document instanceof Map<?, ?> root) || !(root.get("models") instanceof Map<?, ?>)) {
            throw new IllegalStateException("price table " + location + " has no 'models' map");
        }
        Map<String, ModelPrice> prices = new LinkedHashMap<>();
        ((Map<?, ?>) root.get("models"))
                .forEach(
                        (model, value) -> {
                            if (!(value instanceof Map<?, ?> price)) {
                                throw new IllegalStateException(
                                        "price table " + location + ": " + model + " is no map");
                            }
                            try {
                                prices.put(
                                        String.valueOf(model),
                                        ModelPrice.of(
                                                amount(price, "input"),
                                                amount(price, "cached_input"),
                                                amount(price, "output")));
                            } catch (RuntimeException e) {
                                throw new IllegalStateException(
                                        "price table " + location + ": bad price for " + model, e);
                            }
                        });
        Object asOf = root.get("prices_as_of");
        return new PriceTable(asOf == null ? "unknown" : String.valueOf(asOf), prices);
    }

    private static String amount(Map<?, ?> price, String field) {
        Object value = price.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        // Strings keep the exact decimal; a bare YAML number arrives as a Double, whose
        // shortest decimal representation is what the file said.
        return String.valueOf(value);
    }
}
