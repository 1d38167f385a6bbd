package io.tokenmeter.notification.delivery.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.ContactBook.StoredContact;
import io.tokenmeter.notification.contacts.UnsubscribeLinks;
import io.tokenmeter.notification.delivery.Delivery;
import io.tokenmeter.notification.delivery.Outcome;
import io.tokenmeter.notification.delivery.Sender;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Emails a notification to its user over SMTP: HTML and plain-text parts, and RFC 8058 one-click
 * unsubscribe headers. A user without a usable address, or unsubscribed, gets no email (counted; a
 * missing address is waited for {@code addressGrace} first); an SMTP server that cannot be reached
 * or refuses for now means later; an address the server rejects means never.
 */
public class EmailSender implements Sender {

    private static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");

    private final JavaMailSender mail;
    private final ContactBook contacts;
    private final UnsubscribeLinks unsubscribeLinks;
    private final MailTemplates templates;
    private final MailContents contents;
    private final String from;
    private final Counter invalidLocales;
    private final Duration addressGrace;
    private final Clock clock;

    EmailSender(
            JavaMailSender mail,
            ContactBook contacts,
            UnsubscribeLinks unsubscribeLinks,
            MailTemplates templates,
            MailContents contents,
            String from,
            Duration addressGrace,
            Clock clock,
            MeterRegistry registry) {
        this.mail = mail;
        this.contacts = contacts;
        this.unsubscribeLinks = unsubscribeLinks;
        this.templates = templates;
        this.contents = contents;
        this.from = from;
        this.addressGrace = addressGrace;
        this.clock = clock;
        this.invalidLocales =
                Counter.builder("tokenmeter.notifications.invalid.locales")
                        .description("Stored locales that are no language tag; French was used")
                        .register(registry);
    }

    @Override
    public Outcome send(Delivery delivery) {
        String userId = delivery.notification().userId();
        Optional<StoredContact> contact = contacts.find(userId);
        if (contact.isEmpty() || contact.get().email() == null) {
            // The address may be on its way: Stripe's event with it and the state that caused
            // this notification are consumed side by side.
            return clock.instant().isBefore(delivery.queuedAt().plus(addressGrace))
                    ? new Outcome.Retry("no address yet")
                    : new Outcome.Skipped("no_address");
        }
        if (!Contact.isAddress(contact.get().email())) {
            return new Outcome.Skipped("invalid_address");
        }
        if (contacts.isUnsubscribed(userId)) {
            return new Outcome.Skipped("unsubscribed");
        }
        MimeMessage message;
        try {
            message = message(delivery, contact.get());
        } catch (MessagingException e) {
            return new Outcome.Skipped("invalid_address");
        }
        try {
            mail.send(message);
            return new Outcome.Sent();
        } catch (MailAuthenticationException e) {
            return new Outcome.Retry("SMTP authentication failed");
        } catch (MailSendException e) {
            return isRejectedRecipient(e)
                    ? new Outcome.Failed("rejected")
                    : new Outcome.Retry("SMTP: " + e.getClass().getSimpleName());
        } catch (MailException e) {
            return new Outcome.Retry("SMTP: " + e.getClass().getSimpleName());
        }
    }

    private MimeMessage message(Delivery delivery, StoredContact contact)
            throws MessagingException {
        String link = unsubscribeLinks.linkFor(contact.userId());
        MailTemplates.Rendered rendered =
                templates.render(
                        language(contact.locale()),
                        contents.template(delivery.notification()),
                        contents.variables(delivery.notification(), link));
        MimeMessage message = mail.createMimeMessage();
        MimeMessageHelper helper = new MimeMessageHelper(message, true, "UTF-8");
        helper.setFrom(from);
        helper.setTo(contact.email());
        helper.setSubject(rendered.subject());
        helper.setText(rendered.text(), rendered.html());
        message.setHeader("List-Unsubscribe", "<" + link + ">");
        message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.setHeader("X-Tokenmeter-Notification-Id", delivery.notification().id());
        return message;
    }

    private String language(String locale) {
        if (locale == null) {
            return Contact.DEFAULT_LOCALE;
        }
        if (!LOCALE.matcher(locale).matches()) {
            invalidLocales.increment();
            return Contact.DEFAULT_LOCALE;
        }
        return locale.substring(0, 2);
    }

    /** The server refused the recipient itself (5xx to RCPT TO): retrying cannot help. */
    private static boolean isRejectedRecipient(MailSendException failure) {
        return failure.getFailedMessages().values().stream()
                .anyMatch(
                        cause ->
                                cause instanceof SendFailedException sendFailed
                                        && sendFailed.getInvalidAddresses() != null
                                        && sendFailed.getInvalidAddresses().length > 0);
    }
}
