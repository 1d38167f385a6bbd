package io.tokenmeter.metering;

import io.tokenmeter.schemas.Topics;
import io.tokenmeter.testsupport.IntegrationTest;
import io.tokenmeter.testsupport.ServiceConventionsTests;
import java.util.List;

@IntegrationTest
class UsageMeteringApplicationIntegrationTests extends ServiceConventionsTests {

    UsageMeteringApplicationIntegrationTests() {
        super(
                "usage-metering-service",
                List.of(Topics.USAGE_STATE, Topics.SESSION_COST, Topics.USAGE_THRESHOLD),
                List.of(Topics.SESSION_COMPLETED, Topics.SUBSCRIPTION_STATE),
                "/api/usage/{userId}/reservations");
    }
}
