package io.tokenmeter.localstack;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real SMTP server (GreenMail, in this process) that keeps every mail notification-service sends:
 * each is also written to {@code <folder>/<n>-<recipient>.eml}, which any mail client opens, and
 * can be read over IMAP (login and password: the recipient's address).
 */
public final class LocalMail implements AutoCloseable {

    static final int SMTP_PORT = 3025;
    static final int IMAP_PORT = 3143;

    private final GreenMail server;
    private final Path folder;
    private final int smtpPort;
    private final ScheduledExecutorService writer =
            Executors.newSingleThreadScheduledExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "local-mail-writer");
                        thread.setDaemon(true);
                        return thread;
                    });
    private int written;

    private LocalMail(GreenMail server, Path folder, int smtpPort) {
        this.server = server;
        this.folder = folder;
        this.smtpPort = smtpPort;
    }

    /** Starts SMTP on {@code smtpPort} and IMAP on {@code imapPort} (0: none), on 127.0.0.1. */
    public static LocalMail start(Path folder, int smtpPort, int imapPort) throws IOException {
        Files.createDirectories(folder);
        ServerSetup smtp = new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
        GreenMail server =
                imapPort == 0
                        ? new GreenMail(smtp)
                        : new GreenMail(
                                new ServerSetup[] {
                                    smtp,
                                    new ServerSetup(
                                            imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)
                                });
        server.start();
        LocalMail mail = new LocalMail(server, folder, smtpPort);
        mail.writer.scheduleWithFixedDelay(mail::writeNew, 500, 500, TimeUnit.MILLISECONDS);
        return mail;
    }

    static LocalMail start(Path folder) throws IOException {
        return start(folder, SMTP_PORT, IMAP_PORT);
    }

    public int smtpPort() {
        return smtpPort;
    }

    public Path folder() {
        return folder;
    }

    /** Every mail received so far, in arrival order. */
    public MimeMessage[] received() {
        return server.getReceivedMessages();
    }

    private synchronized void writeNew() {
        MimeMessage[] messages = server.getReceivedMessages();
        for (; written < messages.length; written++) {
            MimeMessage message = messages[written];
            Path file =
                    folder.resolve(String.format("%05d-%s.eml", written + 1, recipient(message)));
            try (OutputStream out = Files.newOutputStream(file)) {
                message.writeTo(out);
            } catch (IOException | MessagingException e) {
                LocalStack.log("mail: cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    private static String recipient(MimeMessage message) {
        try {
            Address[] to = message.getAllRecipients();
            String address = to == null || to.length == 0 ? "unknown" : to[0].toString();
            return address.replaceAll("[^A-Za-z0-9@._+-]", "_");
        } catch (MessagingException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
        writeNew();
        server.stop();
    }
}
