package io.tokenmeter.schemas.avro;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro single-object encoded records written with any schema version this module has ever
 * published, into today's generated class. The fingerprint picks the record type, so one instance
 * serves every topic; on a topic of the catalogue a record of another type is refused.
 *
 * <p>Failures are {@link SerializationException}s naming the topic and the fingerprint, which the
 * container's {@code ErrorHandlingDeserializer} hands to the error handler for dead-lettering.
 *
 * <p>A hostile record cannot make it allocate more than the record's own size: the body is read by
 * a decoder over the record's bytes, which refuses a string, bytes or array longer than what
 * remains (Avro's stream decoders allocate the declared length first: 15 bytes declaring a 1 GiB
 * string exhausted the heap), and Avro's own length limits are set ({@link AvroLimits}).
 */
public class AvroSingleObjectDeserializer implements Deserializer<SpecificRecord> {

    static {
        AvroClassTrust.install();
        AvroLimits.install();
    }

    private static final int HEADER_LENGTH = 10;
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    /** A reader from each published writer schema to today's class, by fingerprint. */
    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new HashMap<>();

    /** The record type each published writer schema belongs to, by fingerprint. */
    private final Map<Long, Class<? extends SpecificRecord>> types = new HashMap<>();

    public AvroSingleObjectDeserializer() {
        this(PublishedSchemas.CATALOGUE);
    }

    /** {@code history}: the published writer schemas of each record type, oldest first. */
    AvroSingleObjectDeserializer(Map<Class<? extends SpecificRecord>, List<Schema>> history) {
        history.forEach(
                (type, versions) -> {
                    Schema current = PublishedSchemas.currentSchema(type);
                    add(type, current, current);
                    versions.forEach(writer -> add(type, writer, current));
                });
    }

    private void add(Class<? extends SpecificRecord> type, Schema writer, Schema current) {
        long fingerprint = PublishedSchemas.fingerprint(writer);
        readers.put(
                fingerprint,
                new SpecificDatumReader<>(writer, current, SpecificData.getForClass(type)));
        types.put(fingerprint, type);
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_LENGTH || data[0] != MARKER_0 || data[1] != MARKER_1) {
            throw new UnknownSchemaException(
                    "record on "
                            + topic
                            + " is not Avro single-object encoding (expected C3 01 and a"
                            + " fingerprint, got "
                            + data.length
                            + " bytes)");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Class<? extends SpecificRecord> type = types.get(fingerprint);
        if (type == null) {
            throw new UnknownSchemaException(
                    "record on "
                            + topic
                            + " has unknown writer schema fingerprint "
                            + hex(fingerprint)
                            + ": not a schema this build ever published");
        }
        Optional<Topic<?>> expected = Topics.byName(topic);
        if (expected.isPresent() && expected.get().valueType() != type) {
            throw new UnknownSchemaException(
                    "record on "
                            + topic
                            + " is a "
                            + type.getSimpleName()
                            + " but the topic carries "
                            + expected.get().valueType().getSimpleName());
        }
        try {
            BinaryDecoder body =
                    DecoderFactory.get()
                            .binaryDecoder(data, HEADER_LENGTH, data.length - HEADER_LENGTH, null);
            return readers.get(fingerprint).read(null, body);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException(
                    "cannot decode "
                            + type.getSimpleName()
                            + " on "
                            + topic
                            + " (fingerprint "
                            + hex(fingerprint)
                            + "): "
                            + e.getMessage(),
                    e);
        }
    }

    static String hex(long fingerprint) {
        return String.format("0x%016x", fingerprint);
    }
}
