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
