package io.tokenmeter.notification.delivery.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;

/**
 * The emails' texts: {@code mail/<language>/<name>.txt} (the subject, a {@code ---} line, the
 * plain-text body) and {@code <name>.html}, with {@code {{variable}}} placeholders. Values are
 * HTML-escaped in the HTML part. A language without its own templates gets the French ones.
 */
final class MailTemplates {

    static final String FALLBACK_LANGUAGE = "fr";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");
    private static final String SEPARATOR = "\n---\n";

    private final Map<String, String> sources = new ConcurrentHashMap<>();

    /** A rendered email. */
    record Rendered(String subject, String text, String html) {}

    Rendered render(String language, String name, Map<String, String> variables) {
        String lang = exists(language, name) ? language : FALLBACK_LANGUAGE;
        String plain = source(lang, name + ".txt");
        int separator = plain.indexOf(SEPARATOR);
        if (separator < 0) {
            throw new IllegalStateException("mail/" + lang + "/" + name + ".txt has no subject");
        }
        String subject = fill(plain.substring(0, separator).strip(), variables, false);
        String text = fill(plain.substring(separator + SEPARATOR.length()), variables, false);
        Map<String, String> withSubject = new java.util.HashMap<>(variables);
        withSubject.put("subject", subject);
        String html = fill(source(lang, name + ".html"), withSubject, true);
        return new Rendered(subject, text, html);
    }

    private boolean exists(String language, String name) {
        return language.matches("[a-z]{2}")
                && getClass().getClassLoader().getResource(path(language, name + ".txt")) != null;
    }

    private String source(String language, String file) {
        return sources.computeIfAbsent(
                path(language, file),
                path -> {
                    try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
                        if (in == null) {
                            throw new IllegalStateException("no mail template " + path);
                        }
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private static String path(String language, String file) {
        return "mail/" + language + "/" + file;
    }

    private static String fill(String template, Map<String, String> variables, boolean html) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 256);
        while (matcher.find()) {
            String value = variables.get(matcher.group(1));
            if (value == null) {
                throw new IllegalStateException("no value for {{" + matcher.group(1) + "}}");
            }
            matcher.appendReplacement(
                    out, Matcher.quoteReplacement(html ? HtmlUtils.htmlEscape(value) : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
