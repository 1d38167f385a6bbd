package io.tokenmeter.schemas.avro;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12.2 refuses to instantiate classes outside a trusted list while decoding. Our generated
 * records live in {@code io.tokenmeter.events}; they are trusted here, once per JVM, before any
 * decoding (the serdes call this from their static initialisers).
 */
public final class AvroClassTrust {

    static final String EVENTS_PACKAGE = "io.tokenmeter.events.";

    private static volatile boolean installed;

    private AvroClassTrust() {}

    /** Trusts the generated event classes in addition to Avro's defaults. Idempotent. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.setGlobal(
                ClassSecurityValidator.composite(
                        ClassSecurityValidator.getGlobal(),
                        type -> type.getName().startsWith(EVENTS_PACKAGE)));
        installed = true;
    }
}
