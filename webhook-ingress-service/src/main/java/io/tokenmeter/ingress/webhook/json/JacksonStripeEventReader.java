package io.tokenmeter.ingress.webhook.json;

import io.tokenmeter.ingress.webhook.StripeEventFacts;
import io.tokenmeter.ingress.webhook.StripeEventReader;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads a Stripe event body in one streaming pass: only the handful of fields the ingress needs are
 * kept, everything else is skipped (but still checked to be well-formed JSON).
 *
 * <p>The customer is where Stripe puts it: a customer object's own {@code id} for {@code
 * customer.created|updated|deleted}, else {@code data.object.customer} — which covers
 * subscriptions, invoices, checkout sessions and every other customer-owned object, as an id or,
 * when expanded, as an object with an {@code id}.
 */
public final class JacksonStripeEventReader implements StripeEventReader {

    /** 9999-12-31T23:59:59Z: anything later is not a Stripe timestamp. */
    private static final long LATEST_CREATED = 253_402_300_799L;

    private final JsonFactory json = JsonFactory.builder().build();

    @Override
    public Reading read(byte[] body) {
        Fields fields = new Fields();
        try (JsonParser parser = json.createParser(ObjectReadContext.empty(), body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new NotAnEvent("The body is not a JSON object.");
            }
            readEvent(parser, fields);
            if (parser.nextToken() != null) {
                return new NotAnEvent("The body has content after the JSON object.");
            }
        } catch (JacksonException e) {
            return new NotAnEvent("The body is not valid JSON.");
        }
        return fields.toReading();
    }

    private static void readEvent(JsonParser parser, Fields fields) {
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken value = parser.nextToken();
            switch (name) {
                case "id" -> fields.id = string(parser, value);
                case "object" -> fields.object = string(parser, value);
                case "type" -> fields.type = string(parser, value);
                case "api_version" -> fields.apiVersion = string(parser, value);
                case "created" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        fields.created = parser.getLongValue();
                    } else {
                        parser.skipChildren();
                    }
                }
                case "livemode" -> {
                    fields.livemode = value == JsonToken.VALUE_TRUE;
                    parser.skipChildren();
                }
                case "data" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readData(parser, fields);
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
    }

    private static void readData(JsonParser parser, Fields fields) {
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken value = parser.nextToken();
            if (name.equals("object") && value == JsonToken.START_OBJECT) {
                readDataObject(parser, fields);
            } else {
                parser.skipChildren();
            }
        }
    }

    private static void readDataObject(JsonParser parser, Fields fields) {
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken value = parser.nextToken();
            switch (name) {
                case "object" -> fields.dataObjectType = string(parser, value);
                case "id" -> fields.dataObjectId = string(parser, value);
                case "customer" -> fields.dataObjectCustomer = idOf(parser, value);
                default -> parser.skipChildren();
            }
        }
    }

    /** A customer reference: an id string, or an expanded object carrying an {@code id}. */
    private static String idOf(JsonParser parser, JsonToken value) {
        if (value != JsonToken.START_OBJECT) {
            return string(parser, value);
        }
        String id = null;
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken field = parser.nextToken();
            if (name.equals("id")) {
                id = string(parser, field);
            } else {
                parser.skipChildren();
            }
        }
        return id;
    }

    private static String string(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getString();
        }
        parser.skipChildren();
        return null;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static final class Fields {
        String id;
        String object;
        String type;
        String apiVersion;
        long created = -1;
        boolean livemode;
        String dataObjectType;
        String dataObjectId;
        String dataObjectCustomer;

        Reading toReading() {
            if (!"event".equals(object)) {
                return new NotAnEvent(
                        "The body is not a Stripe event (\"object\" is not \"event\").");
            }
            if (isBlank(id) || isBlank(type)) {
                return new NotAnEvent("The Stripe event has no id or no type.");
            }
            if (created < 0 || created > LATEST_CREATED) {
                return new NotAnEvent("The Stripe event has no valid created timestamp.");
            }
            String customer = "customer".equals(dataObjectType) ? dataObjectId : dataObjectCustomer;
            return new Event(
                    new StripeEventFacts(
                            id,
                            type,
                            Instant.ofEpochSecond(created),
                            apiVersion,
                            livemode,
                            isBlank(customer) ? null : customer));
        }
    }
}
