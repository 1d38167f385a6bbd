package io.tokenmeter.notification.contacts.web;

import io.tokenmeter.notification.contacts.Contact;
import io.tokenmeter.notification.contacts.ContactBook;
import java.net.URI;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The grading application sets and removes users' addresses (CONTRACT §3.5b); service token
 * required.
 */
@RestController
class ContactsController {

    /** User ids are opaque but printable and short; anything else is refused before storing. */
    static final int MAX_USER_ID_LENGTH = 255;

    private final ContactBook contacts;

    ContactsController(ContactBook contacts) {
        this.contacts = contacts;
    }

    /** The body of {@code PUT}: {@code {"email": "...", "locale": "fr"}}, locale optional. */
    record ContactRequest(String email, String locale) {}

    @PutMapping("/api/notifications/contacts/{userId}")
    ResponseEntity<?> put(@PathVariable String userId, @RequestBody ContactRequest request) {
        if (!isUserId(userId)) {
            return invalid("user_id must be 1 to 255 printable characters");
        }
        Contact contact;
        try {
            contact = new Contact(userId, request.email(), request.locale());
        } catch (IllegalArgumentException e) {
            return invalid(e.getMessage());
        }
        contacts.put(contact, Instant.now());
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/api/notifications/contacts/{userId}")
    ResponseEntity<?> delete(@PathVariable String userId) {
        if (!isUserId(userId)) {
            return invalid("user_id must be 1 to 255 printable characters");
        }
        contacts.remove(userId, Instant.now());
        return ResponseEntity.noContent().build();
    }

    static boolean isUserId(String userId) {
        return userId != null
                && !userId.isEmpty()
                && userId.length() <= MAX_USER_ID_LENGTH
                && userId.chars().allMatch(c -> c > 0x20 && c != 0x7f);
    }

    private static ResponseEntity<ProblemDetail> invalid(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setType(URI.create("urn:tokenmeter:problem:invalid-contact"));
        return ResponseEntity.badRequest().body(problem);
    }
}
