package io.tokenmeter.ops;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A service whose state is derived from input topics: its consumer group, the topics it derives
 * from, and the PostgreSQL schema holding what it derived. The webhook ingress derives nothing.
 */
enum ReplayableService {
    SUBSCRIPTION("subscription-service", "subscription", Topics.STRIPE_WEBHOOK_EVENTS),
    METERING(
            "usage-metering-service",
            "metering",
            Topics.SESSION_COMPLETED,
            Topics.SUBSCRIPTION_STATE),
    DASHBOARD(
            "dashboard-api-service",
            "dashboard",
            Topics.SUBSCRIPTION_STATE,
            Topics.USAGE_STATE,
            Topics.SESSION_COST);

    private final String serviceName;
    private final String schema;
    private final List<Topic<?>> inputs;

    ReplayableService(String serviceName, String schema, Topic<?>... inputs) {
        this.serviceName = serviceName;
        this.schema = schema;
        this.inputs = List.of(inputs);
    }

    static Optional<ReplayableService> named(String name) {
        return Arrays.stream(values()).filter(s -> s.serviceName.equals(name)).findFirst();
    }

    /** Each service consumes in one group named after itself (its {@code application.yml}). */
    String consumerGroup() {
        return serviceName;
    }

    String schema() {
        return schema;
    }

    List<Topic<?>> inputs() {
        return inputs;
    }
}
