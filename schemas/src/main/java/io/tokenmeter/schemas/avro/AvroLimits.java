package io.tokenmeter.schemas.avro;

import org.apache.avro.SystemLimitException;

/**
 * Avro's limits on a decoded string, bytes value and collection, lowered from "as large as a Java
 * array" to the size of a Kafka record ({@value #MAX_LENGTH} bytes), so that no declared length can
 * make a decoder allocate more than a record could carry. Avro reads them once, from system
 * properties, when its limit checks are first used: {@link #install()} sets them before any
 * decoding, unless the JVM was started with its own.
 */
public final class AvroLimits {

    /** Kafka's default maximum record size; no field of ours comes close. */
    static final int MAX_LENGTH = 1024 * 1024;

    private AvroLimits() {}

    /** Sets the limits that are not set yet. Idempotent. */
    public static synchronized void install() {
        for (String property :
                new String[] {
                    SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
                    SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
                    SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY
                }) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, String.valueOf(MAX_LENGTH));
            }
        }
    }
}
