package io.tokenmeter.schemas.avro;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record was written with a schema this build has never published (or is not Avro single-object
 * encoding at all). It cannot be retried into success: the error handler dead-letters it.
 */
public class UnknownSchemaException extends SerializationException {

    public UnknownSchemaException(String message) {
        super(message);
    }
}
