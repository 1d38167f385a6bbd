package io.tokenmeter.subscription;

import io.tokenmeter.testsupport.TestDatabase;
import io.tokenmeter.testsupport.TestInfrastructure;
import io.tokenmeter.testsupport.TestJwts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A subscription-service started by a test outside Spring's test context: on the JVM's shared
 * broker, with an empty database of its own and a consumer group of its own (so it reads every
 * topic from the beginning). For jqwik properties and for a second instance replaying the topic.
 */
public final class RunningService implements AutoCloseable {

    /** The prices tests use for STRIPE_PRICE_ID_*, as the core tests' price table. */
    public static final String[] PRICES = {
        "STRIPE_PRICE_ID_ESSENTIEL=price_essentiel",
        "STRIPE_PRICE_ID_PRO=price_pro",
        "STRIPE_PRICE_ID_MAX=price_max"
    };

    private final ConfigurableApplicationContext context;

    private RunningService(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static RunningService start(Class<?> owner) {
        TestDatabase database = TestInfrastructure.createDatabase(owner);
        List<String> args = new ArrayList<>();
        args.add("--server.port=0");
        args.add("--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafkaBootstrapServers());
        args.add("--spring.datasource.url=" + database.jdbcUrl());
        args.add("--spring.datasource.username=" + database.username());
        args.add("--spring.datasource.password=" + database.password());
        args.add("--spring.kafka.consumer.group-id=subscription-test-" + UUID.randomUUID());
        args.add("--AUTH_JWT_SECRET=" + TestJwts.SECRET);
        for (String price : PRICES) {
            args.add("--" + price);
        }
        return new RunningService(
                new SpringApplicationBuilder(SubscriptionApplication.class)
                        .run(args.toArray(String[]::new)));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
