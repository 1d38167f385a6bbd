package io.tokenmeter.systembench;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The SMTP server notification-service mails in the benchmark: GreenMail, the server {@code
 * ./run-local.sh} and the service's tests use, in this JVM. Its delivery handler stamps each
 * recipient's email when the server accepts it (it runs before the {@code 250}); the mails
 * themselves are dropped every few seconds, so that a burst of 100,000 does not fill the heap.
 */
final class MailSink implements AutoCloseable {

    private final GreenMail server;
    private final Arrivals arrivals = new Arrivals();
    private final ScheduledExecutorService purger =
            Executors.newSingleThreadScheduledExecutor(
                    runnable -> {
                        Thread thread = new Thread(runnable, "mail-sink-purger");
                        thread.setDaemon(true);
                        return thread;
                    });

    private MailSink(GreenMail server) {
        this.server = server;
    }

    static MailSink start(int port) throws UserException {
        // As the service does (MailConfiguration): without it, Jakarta Mail scans the classpath for
        // its StreamProvider in every part the server parses.
        if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
            System.setProperty(
                    "jakarta.mail.util.StreamProvider",
                    "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        GreenMail server =
                new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        MailSink sink = new MailSink(server);
        GreenMailUser mailbox =
                server.getUserManager().createUser("sink@bench.invalid", "sink", "sink");
        server.getUserManager()
                .setMessageDeliveryHandler(
                        (message, address) -> {
                            sink.arrivals.record(address.getEmail(), System.nanoTime());
                            return mailbox;
                        });
        sink.purger.scheduleWithFixedDelay(sink::purge, 2, 2, TimeUnit.SECONDS);
        return sink;
    }

    private void purge() {
        try {
            server.purgeEmailFromAllMailboxes();
        } catch (FolderException e) {
            // The next round purges them.
        }
    }

    int port() {
        return server.getSmtp().getPort();
    }

    /** Per recipient address: how many emails were accepted, when the first was. */
    Arrivals arrivals() {
        return arrivals;
    }

    @Override
    public void close() {
        purger.shutdownNow();
        server.stop();
    }
}
