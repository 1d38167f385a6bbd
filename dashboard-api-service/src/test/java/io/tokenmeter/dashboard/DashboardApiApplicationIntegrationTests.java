package io.tokenmeter.dashboard;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class DashboardApiApplicationIntegrationTests extends ServiceConventionsTests {

    DashboardApiApplicationIntegrationTests() {
        super(
                "dashboard-api-service",
                List.of(),
                List.of(Topics.SUBSCRIPTION_STATE, Topics.USAGE_STATE, Topics.SESSION_COST),
                "/api/subscription/status");
    }
}
