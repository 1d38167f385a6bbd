package io.tokenmeter.notification.delivery.mail;

import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.notification.config.NotificationProperties;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.UnsubscribeLinks;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;

/** The email channel, on Boot's {@link JavaMailSender} ({@code SMTP_*} settings). */
@Configuration(proxyBeanMethods = false)
class MailConfiguration {

    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    static {
        // Jakarta Mail looks its StreamProvider up with a ServiceLoader scan of the classpath on
        // every body part, multipart and header block it builds (a dozen per email), unless this
        // property names the provider: then it is one Class.forName. The scans were most of a
        // sender's CPU.
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    @Bean
    EmailSender emailSender(
            JavaMailSender mail,
            ContactBook contacts,
            UnsubscribeLinks links,
            NotificationProperties properties,
            MeterRegistry registry) {
        return new EmailSender(
                mail,
                contacts,
                links,
                new MailTemplates(),
                new MailContents(properties.frontendUrl()),
                properties.mailFrom(),
                properties.delivery().addressGrace(),
                Clock.systemUTC(),
                registry);
    }
}
