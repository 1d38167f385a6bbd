package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenmeter.events.StripeWebhookEvent;
import io.tokenmeter.testsupport.StripeEvent;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class TestModeEventsTests {

    private static final StripeWebhookEvent TEST_MODE_EVENT =
            StripeEvents.record(StripeEvent.fixture("invoice.paid.event-2020-03-02.json"));

    @Test
    void allowsTestModeByDefaultOnlyInDevelopment() {
        assertThat(testMode("", "development").refuses(TEST_MODE_EVENT)).isFalse();
        assertThat(testMode("", null).refuses(TEST_MODE_EVENT)).isTrue();
        assertThat(testMode("", "production").refuses(TEST_MODE_EVENT)).isTrue();
    }

    @Test
    void followsAnExplicitSettingWhateverTheEnvironment() {
        assertThat(testMode("true", null).refuses(TEST_MODE_EVENT)).isFalse();
        assertThat(testMode("false", "development").refuses(TEST_MODE_EVENT)).isTrue();
    }

    private static TestModeEvents testMode(String allow, String environment) {
        MockEnvironment mock = new MockEnvironment();
        if (environment != null) {
            mock.setProperty("TOKENMETER_ENV", environment);
        }
        return new TestModeEvents(allow, mock, new SimpleMeterRegistry());
    }
}
