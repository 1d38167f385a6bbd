package io.tokenmeter.dashboard;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class DashboardApiApplicationIntegrationTests extends ServiceConventionsTests {

    @Override
    protected String applicationName() {
        return "dashboard-api-service";
    }

    @Override
    protected List<Topic<?>> produces() {
        return List.of();
    }

    @Override
    protected List<Topic<?>> consumes() {
        return List.of(Topics.SUBSCRIPTION_STATE, Topics.USAGE_STATE, Topics.SESSION_COST);
    }

    @Override
    protected String documentedPath() {
        return "/api/subscription/status";
    }
}
