package io.tokenmeter.subscription.state.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class TestModeEventsTests {

    @Test
    void allowsTestModeByDefaultOnlyInDevelopment() {
        assertThat(testMode("", "development").allowed()).isTrue();
        assertThat(testMode("", null).allowed()).isFalse();
        assertThat(testMode("", "production").allowed()).isFalse();
    }

    @Test
    void followsAnExplicitSettingWhateverTheEnvironment() {
        assertThat(testMode("true", null).allowed()).isTrue();
        assertThat(testMode("false", "development").allowed()).isFalse();
    }

    private static TestModeEvents testMode(String allow, String environment) {
        MockEnvironment mock = new MockEnvironment();
        if (environment != null) {
            mock.setProperty("TOKENMETER_ENV", environment);
        }
        return new TestModeEvents(allow, mock, new SimpleMeterRegistry());
    }
}
