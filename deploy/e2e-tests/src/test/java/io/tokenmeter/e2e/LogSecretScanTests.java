package io.tokenmeter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fault suite's secret scan finds what it looks for, and reports no secret while doing so. */
class LogSecretScanTests {

    @Test
    void findsAConfiguredSecretAndABearerTokenAndNamesNeither(@TempDir Path logs) throws Exception {
        String secret = "whsec_e2e_test_secret";
        Files.writeString(
                logs.resolve("clean.log"), "INFO started\nWARN webhook refused: bad signature\n");
        Files.createDirectories(logs.resolve("sub"));
        Files.writeString(
                logs.resolve("sub/leaky.log"),
                "DEBUG using secret "
                        + secret
                        + "\n"
                        + "DEBUG header Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\n");
        Files.writeString(logs.resolve("ignored.txt"), secret);

        LogSecretScan.Result result = LogSecretScan.scan(logs, Set.of(secret));

        assertThat(result.files()).isEqualTo(2);
        assertThat(result.lines()).isEqualTo(4);
        assertThat(result.hits())
                .containsExactly(
                        "leaky.log:1 holds a secret of 21 characters",
                        "leaky.log:2 holds a bearer token");
        assertThat(String.join(" ", result.hits())).doesNotContain(secret);
    }

    @Test
    void findsNothingInCleanLogs(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("a.log"), "INFO bearer tokens are checked\n");

        assertThat(LogSecretScan.scan(logs, Set.of("e2e-metering-token")).hits()).isEmpty();
    }
}
