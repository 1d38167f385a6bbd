package io.tokenmeter.notification.delivery.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.ContactBook.Recipient;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return sendAll(List.of(delivery)).get(0);
    }

    /**
     * Prepares each delivery's message (or its reason not to send one), then sends all messages
     * over one SMTP connection: opening one per message costs more than sending it.
     */
    @Override
    public List<Outcome> sendAll(List<Delivery> deliveries) {
        Outcome[] outcomes = new Outcome[deliveries.size()];
        // MimeMessage keeps identity equality: a linked map keys by message, in claim order.
        Map<MimeMessage, Integer> messages = new LinkedHashMap<>();
        Map<String, Recipient> recipients =
                contacts.recipients(
                        deliveries.stream()
                                .map(delivery -> delivery.notification().userId())
                                .toList());
        for (int i = 0; i < deliveries.size(); i++) {
            Delivery delivery = deliveries.get(i);
            Object prepared = prepare(delivery, recipients.get(delivery.notification().userId()));
            if (prepared instanceof Outcome outcome) {
                outcomes[i] = outcome;
            } else {
                messages.put((MimeMessage) prepared, i);
            }
        }
        if (!messages.isEmpty()) {
            send(messages, outcomes);
        }
        return Arrays.asList(outcomes);
    }

    private void send(Map<MimeMessage, Integer> messages, Outcome[] outcomes) {
        messages.values().forEach(index -> outcomes[index] = new Outcome.Sent());
        try {
            mail.send(messages.keySet().toArray(MimeMessage[]::new));
        } catch (MailAuthenticationException e) {
            messages.values()
                    .forEach(
                            index ->
                                    outcomes[index] =
                                            new Outcome.Retry("SMTP authentication failed"));
        } catch (MailSendException e) {
            // The messages that failed, each with its own reason; the others were accepted.
            e.getFailedMessages()
                    .forEach(
                            (message, failure) -> {
                                Integer index = messages.get(message);
                                if (index != null) {
                                    outcomes[index] =
                                            isRejectedRecipient(failure)
                                                    ? new Outcome.Failed("rejected")
                                                    : new Outcome.Retry(
                                                            "SMTP: "
                                                                    + failure.getClass()
                                                                            .getSimpleName());
                                }
                            });
        } catch (MailException e) {
            messages.values()
                    .forEach(
                            index ->
                                    outcomes[index] =
                                            new Outcome.Retry(
                                                    "SMTP: " + e.getClass().getSimpleName()));
        }
    }

    /** The message to send, or the outcome that says why none is sent. */
    private Object prepare(Delivery delivery, Recipient recipient) {
        Optional<StoredContact> contact = recipient.contact();
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
        if (recipient.unsubscribed()) {
            return new Outcome.Skipped("unsubscribed");
        }
        try {
            return message(delivery, contact.get());
        } catch (MessagingException e) {
            return new Outcome.Skipped("invalid_address");
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
    private static boolean isRejectedRecipient(Exception failure) {
        return failure instanceof SendFailedException sendFailed
                && sendFailed.getInvalidAddresses() != null
                && sendFailed.getInvalidAddresses().length > 0;
    }
}
