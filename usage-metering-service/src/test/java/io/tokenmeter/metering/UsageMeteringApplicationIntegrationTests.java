package io.tokenmeter.metering;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class UsageMeteringApplicationIntegrationTests extends ServiceConventionsTests {

    @Override
    protected String applicationName() {
        return "usage-metering-service";
    }

    @Override
    protected List<Topic<?>> produces() {
        return List.of(Topics.USAGE_STATE, Topics.SESSION_COST, Topics.USAGE_THRESHOLD);
    }

    @Override
    protected List<Topic<?>> consumes() {
        return List.of(Topics.SESSION_COMPLETED, Topics.SUBSCRIPTION_STATE);
    }

    @Override
    protected String documentedPath() {
        return "/api/usage/{userId}/reservations";
    }
}
