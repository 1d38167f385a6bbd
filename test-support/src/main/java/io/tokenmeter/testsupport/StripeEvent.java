package io.tokenmeter.testsupport;

import com.stripe.net.Webhook;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Stripe event for tests, built on a real payload from {@code stripe/} (copied from {@code
 * shared/fixtures/stripe}) and changed field by field with JSON pointers, then signed with
 * stripe-java's own signature generator.
 *
 * <pre>{@code
 * SignedDelivery delivery = StripeEvent.fixture("customer.subscription.updated.event-2020-03-02.json")
 *         .id("evt_1").created(Instant.parse("2026-11-01T00:00:00Z"))
 *         .set("/data/object/customer", "cus_1")
 *         .signedWith("whsec_test", Instant.now());
 * }</pre>
 */
public final class StripeEvent {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectNode root;

    private StripeEvent(ObjectNode root) {
        this.root = root;
    }

    /** A real Stripe payload from the fixtures, as a mutable event. */
    public static StripeEvent fixture(String fileName) {
        return new StripeEvent((ObjectNode) JSON.readTree(fixtureText(fileName)));
    }

    /** The byte-exact text of a fixture file. */
    public static String fixtureText(String fileName) {
        String resource = "stripe/" + fileName;
        try (InputStream in = StripeEvent.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no Stripe fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public StripeEvent id(String eventId) {
        return set("/id", eventId);
    }

    public StripeEvent type(String type) {
        return set("/type", type);
    }

    public StripeEvent created(Instant created) {
        return set("/created", created.getEpochSecond());
    }

    public StripeEvent apiVersion(String apiVersion) {
        return set("/api_version", apiVersion);
    }

    /** Sets a field, creating missing objects on the way; {@code null} writes a JSON null. */
    public StripeEvent set(String pointer, Object value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = parentOf(pointer.substring(0, slash));
        String field = pointer.substring(slash + 1);
        JsonNode node = toNode(value);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(field), node);
        } else {
            ((ObjectNode) parent).set(field, node);
        }
        return this;
    }

    /** Removes a field if present. */
    public StripeEvent remove(String pointer) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, slash));
        if (parent instanceof ObjectNode object) {
            object.remove(pointer.substring(slash + 1));
        }
        return this;
    }

    /** Reads a field as text, or null when absent. */
    public String text(String pointer) {
        JsonNode node = root.at(pointer);
        return node.isMissingNode() || node.isNull() ? null : node.asString();
    }

    public String json() {
        return JSON.writeValueAsString(root);
    }

    /** Signs the current JSON as Stripe would at {@code timestamp}. */
    public SignedDelivery signedWith(String secret, Instant timestamp) {
        return SignedDelivery.sign(json(), secret, timestamp);
    }

    private JsonNode parentOf(String pointer) {
        JsonNode node = root;
        if (pointer.isEmpty()) {
            return node;
        }
        for (String part : pointer.substring(1).split("/")) {
            JsonNode next =
                    node instanceof ArrayNode array
                            ? array.get(Integer.parseInt(part))
                            : node.get(part);
            if (next == null || next.isNull()) {
                next = JsonNodeFactory.instance.objectNode();
                ((ObjectNode) node).set(part, next);
            }
            node = next;
        }
        return node;
    }

    private static JsonNode toNode(Object value) {
        return value instanceof JsonNode node ? node : JSON.valueToTree(value);
    }

    /** A webhook body and the {@code Stripe-Signature} header that signs it. */
    public record SignedDelivery(String body, String signatureHeader) {

        public static SignedDelivery sign(String body, String secret, Instant timestamp) {
            try {
                return new SignedDelivery(
                        body,
                        Webhook.Signature.generateSignatureHeader(
                                body, secret, timestamp.getEpochSecond()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
            }
        }

        public byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }
}
