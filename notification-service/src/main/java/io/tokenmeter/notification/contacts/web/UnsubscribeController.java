package io.tokenmeter.notification.contacts.web;

import io.tokenmeter.notification.contacts.ContactBook;
import io.tokenmeter.notification.contacts.UnsubscribeLinks;
import java.time.Instant;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The emails' unsubscribe link. A {@code POST} unsubscribes: that is what a mail client's one-click
 * button sends (RFC 8058, body {@code List-Unsubscribe=One-Click}), and what the confirmation
 * page's button sends. A {@code GET} only shows that page: link scanners and prefetchers follow
 * links, and must not unsubscribe anyone.
 */
@RestController
class UnsubscribeController {

    private final UnsubscribeLinks links;
    private final ContactBook contacts;

    UnsubscribeController(UnsubscribeLinks links, ContactBook contacts) {
        this.links = links;
        this.contacts = contacts;
    }

    @GetMapping(value = "/unsubscribe/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> confirm(@PathVariable String token) {
        if (links.userOf(token).isEmpty()) {
            return invalidLink();
        }
        return ResponseEntity.ok(
                page(
                        "Se désabonner des emails tokenmeter",
                        "<p>Vous ne recevrez plus d'emails de tokenmeter à propos de votre"
                                + " consommation et de votre abonnement.</p>"
                                + "<form method=\"post\"><button type=\"submit\">Me désabonner"
                                + "</button></form>"));
    }

    @PostMapping(value = "/unsubscribe/{token}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> unsubscribe(@PathVariable String token) {
        Optional<String> user = links.userOf(token);
        if (user.isEmpty()) {
            return invalidLink();
        }
        contacts.unsubscribe(user.get(), Instant.now());
        return ResponseEntity.ok(
                page(
                        "Désabonnement confirmé",
                        "<p>C'est fait : vous ne recevrez plus ces emails.</p>"));
    }

    private static ResponseEntity<String> invalidLink() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND)
                .contentType(MediaType.TEXT_HTML)
                .body(
                        page(
                                "Lien invalide",
                                "<p>Ce lien de désabonnement n'est pas (ou plus) valide.</p>"));
    }

    private static String page(String title, String body) {
        return "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>"
                + title
                + "</title></head><body><h1>"
                + title
                + "</h1>"
                + body
                + "</body></html>";
    }
}
