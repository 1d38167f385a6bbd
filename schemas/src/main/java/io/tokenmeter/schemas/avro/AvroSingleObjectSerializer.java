package io.tokenmeter.schemas.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes any generated record in Avro single-object encoding: {@code C3 01}, the writer schema's
 * 8-byte little-endian CRC-64-AVRO fingerprint, then the Avro binary body. Raw {@code byte[]}
 * values pass through untouched, so that dead-lettered source bytes keep their original encoding.
 */
public class AvroSingleObjectSerializer implements Serializer<Object> {

    static {
        AvroClassTrust.install();
    }

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders =
            new ConcurrentHashMap<>();

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] raw) {
            return raw;
        }
        if (!(value instanceof SpecificRecord record)) {
            throw new SerializationException(
                    "topic " + topic + " takes Avro records, not " + value.getClass().getName());
        }
        try {
            ByteBuffer encoded = encoderFor(record).encode(record);
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new SerializationException(
                    "cannot encode " + record.getSchema().getFullName() + " for " + topic, e);
        }
    }

    private BinaryMessageEncoder<SpecificRecord> encoderFor(SpecificRecord record) {
        return encoders.computeIfAbsent(
                record.getClass(),
                type ->
                        new BinaryMessageEncoder<>(
                                SpecificData.getForClass(type), record.getSchema()));
    }
}
