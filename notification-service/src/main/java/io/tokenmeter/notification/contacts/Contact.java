package io.tokenmeter.notification.contacts;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a user's emails go, and in which language. Self-validating: an address is one mailbox (no
 * display name, no line breaks, at most 254 characters), a locale a language tag such as {@code fr}
 * or {@code fr-FR}.
 *
 * @param locale null when the app did not say: French, like the usage page
 */
public record Contact(String userId, String email, String locale) {

    /** Mailbox syntax good enough to refuse typos and header injection; SMTP has the last word. */
    private static final Pattern ADDRESS =
            Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$");

    private static final Pattern LOCALE = Pattern.compile("^[a-z]{2}(-[A-Z]{2})?$");

    public static final String DEFAULT_LOCALE = "fr";

    public Contact {
        Objects.requireNonNull(userId, "userId");
        if (!isAddress(email)) {
            throw new IllegalArgumentException("email is not a valid address");
        }
        if (locale != null && !LOCALE.matcher(locale).matches()) {
            throw new IllegalArgumentException("locale must look like 'fr' or 'fr-FR'");
        }
    }

    public static boolean isAddress(String email) {
        return email != null && email.length() <= 254 && ADDRESS.matcher(email).matches();
    }

    /** The language the emails are written in: the locale's language. */
    public String language() {
        return locale == null ? DEFAULT_LOCALE : locale.substring(0, 2).toLowerCase(Locale.ROOT);
    }
}
