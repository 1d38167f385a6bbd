package io.tokenmeter.metering.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.tokenmeter.metering.pricing.file.PriceTableFile;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PricerTests {

    static final PriceTable SHIPPED = PriceTableFile.load("classpath:pricing/models.yml");

    final List<String> unknown = new ArrayList<>();
    final Pricer pricer = new Pricer(SHIPPED, unknown::add);

    /**
     * Expected costs computed by hand: tokens x USD per million / 10^6, per kind, e.g. gpt-4o 3000
     * x 2.50 + 500 x 1.25 + 700 x 10.00 = 7500 + 625 + 7000 = 15125 micro-dollars.
     */
    @ParameterizedTest(name = "{0}: {1} prompt, {2} cached, {3} completion")
    @CsvSource({
        // model, prompt, cached, completion, prompt$, cached$, completion$, total$, savings$
        "gpt-4o,            3000, 500, 700,   0.007500, 0.000625, 0.007000, 0.015125, 0.000625",
        "gpt-4o-mini,       3000, 500, 700,   0.000450, 0.000038, 0.000420, 0.000908, 0.000038",
        "gpt-4.1,           1000000, 1000000, 1000000, 2.000000, 0.500000, 8.000000, 10.500000, 1.500000",
        "gpt-5,             12345, 6789, 2468, 0.015431, 0.000849, 0.024680, 0.040960, 0.007638",
        "o4-mini,           1, 1, 1,          0.000001, 0.000000, 0.000004, 0.000006, 0.000001",
        "claude-sonnet-4-5, 20000, 100000, 4000, 0.060000, 0.030000, 0.060000, 0.150000, 0.270000",
        "claude-opus-4-1,   1000, 0, 1000,    0.015000, 0.000000, 0.075000, 0.090000, 0.000000",
        "gemini-2.5-pro,    8000, 2000, 1500, 0.010000, 0.000250, 0.015000, 0.025250, 0.002250",
        "mistral-small,     5000, 5000, 5000, 0.000500, 0.000500, 0.001500, 0.002500, 0.000000",
        "GPT-4o-2024-08-06, 3000, 500, 700,   0.007500, 0.000625, 0.007000, 0.015125, 0.000625",
        "claude-sonnet-4-20250514, 1000, 0, 0, 0.003000, 0.000000, 0.000000, 0.003000, 0.000000",
        "mistral-large-latest, 1000, 0, 1000, 0.002000, 0.000000, 0.006000, 0.008000, 0.000000"
    })
    void pricesEachKindOfTokenAtItsListPrice(
            String model,
            long prompt,
            long cached,
            long completion,
            String promptCost,
            String cachedCost,
            String completionCost,
            String total,
            String savings) {
        PhaseCharge charge = pricer.charge(model, prompt, cached, completion);
        Charges charges = Charges.sum(List.of(charge));

        assertThat(Money.format(charges.prompt())).isEqualTo(promptCost);
        assertThat(Money.format(charges.cached())).isEqualTo(cachedCost);
        assertThat(Money.format(charges.completion())).isEqualTo(completionCost);
        assertThat(Money.format(charges.total())).isEqualTo(total);
        assertThat(Money.format(charges.cachedSavings())).isEqualTo(savings);
        assertThat(unknown).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "http://127.0.0.1:9/models.yml",
        "https://example.com/models.yml",
        "jar:file:/x.jar!/m.yml"
    })
    void refusesAPriceTableFromAnythingButTheClasspathOrAFile(String location) {
        assertThatIllegalStateException()
                .isThrownBy(() -> PriceTableFile.load(location))
                .withMessageContaining("only classpath: resources and files are read");
    }

    @Test
    void sumsPhasesExactlyAndRoundsOnlyTheResult() {
        // 7 cached gpt-4o-mini tokens cost 0.525 micro-dollars: each phase alone shows
        // 0.000001, but three phases are 1.575 micro-dollars -> 0.000002, not 3 x 0.000001.
        List<PhaseCharge> phases =
                List.of(
                        pricer.charge("gpt-4o-mini", 0, 7, 0),
                        pricer.charge("gpt-4o-mini", 0, 7, 0),
                        pricer.charge("gpt-4o-mini", 0, 7, 0));

        assertThat(Money.format(phases.get(0).total())).isEqualTo("0.000001");
        assertThat(Money.format(Charges.sum(phases).total())).isEqualTo("0.000002");
    }

    @Test
    void pricesAnUnknownModelAtZeroAndReportsIt() {
        PhaseCharge charge = pricer.charge("gpt-99-ultra", 1000, 1000, 1000);

        assertThat(Money.format(charge.total())).isEqualTo("0.000000");
        assertThat(unknown).containsExactly("gpt-99-ultra");
    }

    @Test
    void doesNotPriceAModelAsAnotherThatItsNameStartsWith() {
        assertThat(SHIPPED.find("gpt-5-pro")).isEmpty();
        assertThat(SHIPPED.find("gpt-4o-mini").get().input()).isEqualByComparingTo("0.15");
    }

    @Test
    void shipsPricesForTheFlagshipAndSmallModelsOfEachProvider() {
        assertThat(SHIPPED.pricesAsOf()).matches("\\d{4}-\\d{2}-\\d{2}");
        for (String model :
                List.of(
                        "gpt-4o",
                        "gpt-4o-mini",
                        "gpt-4.1",
                        "gpt-4.1-mini",
                        "o3",
                        "o4-mini",
                        "gpt-5",
                        "gpt-5-mini",
                        "claude-opus-4-1",
                        "claude-sonnet-4-5",
                        "claude-haiku-4-5",
                        "gemini-2.5-pro",
                        "gemini-2.5-flash",
                        "mistral-large",
                        "mistral-medium",
                        "mistral-small")) {
            assertThat(SHIPPED.find(model)).as(model).isPresent();
        }
        assertThat(SHIPPED.find("gpt-4o").get())
                .isEqualTo(
                        new ModelPrice(
                                new BigDecimal("2.50"),
                                new BigDecimal("1.25"),
                                new BigDecimal("10.00")));
    }

    @Test
    void readsBareYamlNumbersAsTheDecimalsWritten() {
        PriceTable table =
                new PriceTable("2025-01-01", Map.of("m", ModelPrice.of("0.1", "0.01", "0.3")));
        assertThat(Money.format(Pricer.charge(table.find("m").get(), 10, 0, 0).total()))
                .isEqualTo("0.000001");
    }
}
