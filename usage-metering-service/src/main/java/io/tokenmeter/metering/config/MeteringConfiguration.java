package io.tokenmeter.metering.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.pricing.PriceTable;
import io.tokenmeter.metering.pricing.Pricer;
import io.tokenmeter.metering.pricing.file.PriceTableFile;
import io.tokenmeter.metering.usage.CountedSessions;
import io.tokenmeter.metering.usage.UsageMeter;
import io.tokenmeter.metering.usage.UsageStore;
import io.tokenmeter.metering.usage.jdbc.JdbcUsageStore;
import io.tokenmeter.metering.usage.jdbc.SpringTransactions;
import io.tokenmeter.metering.usage.kafka.MeteredBatchTransactions;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Builds the metering core and plugs its adapters in. */
@Configuration(proxyBeanMethods = false)
class MeteringConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MeteringConfiguration.class);

    @Bean
    PriceTable priceTable(MeteringProperties properties) {
        PriceTable table = PriceTableFile.load(properties.pricingFile());
        log.info(
                "priced {} models from {} (prices as of {})",
                table.size(),
                properties.pricingFile(),
                table.pricesAsOf());
        return table;
    }

    @Bean
    Pricer pricer(PriceTable table, MeterRegistry registry) {
        Counter unknown =
                Counter.builder("tokenmeter.pricing.unknown.model.phases")
                        .description("Session phases priced at 0 because their model has no price")
                        .register(registry);
        Set<String> warned = ConcurrentHashMap.newKeySet();
        return new Pricer(
                table,
                model -> {
                    unknown.increment();
                    // Once per model and process: the counter tells how often.
                    if (warned.size() < 1000 && warned.add(String.valueOf(model))) {
                        log.warn(
                                "no price for model '{}': its phases are priced at 0 (add it to"
                                        + " PRICING_FILE)",
                                model);
                    }
                });
    }

    @Bean
    UsageStore usageStore(JdbcTemplate jdbc) {
        return new JdbcUsageStore(jdbc);
    }

    @Bean
    MeteredBatchTransactions meteredBatchTransactions(
            KafkaProperties kafka, MeterRegistry registry) {
        return new MeteredBatchTransactions(kafka.buildProducerProperties(), registry);
    }

    /** Metering's clock: periods, and how far ahead a reported completion may be. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Every batch, of sessions or of subscription states, announces in its Kafka transaction.
     * Counted sessions settle their reservations' holds.
     */
    @Bean
    UsageMeter usageMeter(
            UsageStore store,
            PlatformTransactionManager transactionManager,
            MeteredBatchTransactions batchTransactions,
            Pricer pricer,
            CountedSessions settlement,
            Clock clock) {
        return new UsageMeter(
                store,
                batchTransactions.usageEvents(),
                new SpringTransactions(new TransactionTemplate(transactionManager)),
                pricer,
                clock,
                settlement);
    }
}
