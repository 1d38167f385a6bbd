package io.tokenmeter.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local SMTP server keeps what it accepts, and writes each mail where the banner says. */
class LocalMailIntegrationTests {

    @TempDir Path home;

    @Test
    void keepsEveryMailAsAnEmlFile() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (LocalMail mail = LocalMail.start(home.resolve("mail"), port, 0)) {
            GreenMailUtil.sendTextEmail(
                    "demo-user@tokenmeter.local",
                    "notifications@tokenmeter.local",
                    "Vous avez utilisé 70 % de vos tokens",
                    "Bonjour",
                    new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (files().isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            assertThat(mail.received()).hasSize(1);
        }

        List<Path> files = files();
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString())
                .isEqualTo("00001-demo-user@tokenmeter.local.eml");
        assertThat(Files.readString(files.get(0))).contains("Subject: ", "Bonjour");
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> listing = Files.list(home.resolve("mail"))) {
            return listing.toList();
        }
    }
}
