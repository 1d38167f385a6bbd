package io.tokenmeter.schemas.avro;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every writer schema the {@code schemas} module has ever published, for every record of the topic
 * catalogue. Version {@code N} of record {@code R} ships as the classpath resource {@code
 * avro-history/R/vN.avsc}; versions are numbered from 1 without gaps. Because every published
 * version stays here, a reader resolves any record ever written — no schema registry needed.
 */
public final class PublishedSchemas {

    static final String HISTORY_ROOT = "avro-history/";

    /** The published versions of every value type in the topic catalogue, oldest first. */
    static final Map<Class<? extends SpecificRecord>, List<Schema>> CATALOGUE = catalogue();

    private PublishedSchemas() {}

    private static Map<Class<? extends SpecificRecord>, List<Schema>> catalogue() {
        Map<Class<? extends SpecificRecord>, List<Schema>> versions = new LinkedHashMap<>();
        for (Topic<?> topic : Topics.all()) {
            versions.put(topic.valueType(), versionsOf(topic.valueType().getSimpleName()));
        }
        return Collections.unmodifiableMap(versions);
    }

    /** Published versions of a record, oldest first; empty when none was ever published. */
    public static List<Schema> versionsOf(String recordName) {
        List<Schema> versions = new ArrayList<>();
        ClassLoader loader = PublishedSchemas.class.getClassLoader();
        for (int version = 1; ; version++) {
            String resource = HISTORY_ROOT + recordName + "/v" + version + ".avsc";
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    return List.copyOf(versions);
                }
                // A fresh parser per file: versions redefine the same named types.
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read published schema " + resource, e);
            }
        }
    }

    /** The CRC-64-AVRO fingerprint single-object encoding puts in front of every record. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The schema the generated class was built from: what writers use today. */
    public static Schema currentSchema(Class<? extends SpecificRecord> type) {
        return SpecificData.get().getSchema(type);
    }
}
