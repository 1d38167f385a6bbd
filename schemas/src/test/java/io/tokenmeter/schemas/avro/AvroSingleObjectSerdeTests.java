package io.tokenmeter.schemas.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenmeter.events.PhaseUsage;
import io.tokenmeter.events.SessionCompleted;
import io.tokenmeter.events.SubscriptionState;
import io.tokenmeter.events.UsageState;
import io.tokenmeter.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSingleObjectSerdeTests {

    private final AvroSingleObjectSerializer serializer = new AvroSingleObjectSerializer();
    private final AvroSingleObjectDeserializer deserializer = new AvroSingleObjectDeserializer();

    private final SessionCompleted session =
            new SessionCompleted(
                    "s_1",
                    "u_1",
                    Instant.parse("2026-11-20T10:00:00.123Z"),
                    List.of(new PhaseUsage("grading", "gpt-4o", 3000L, 500L, 700L)));

    @Test
    void writesTheSingleObjectHeaderAndFingerprint() {
        byte[] bytes = serializer.serialize(Topics.SESSION_COMPLETED.name(), session);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint)
                .isEqualTo(PublishedSchemas.fingerprint(SessionCompleted.getClassSchema()));
    }

    @Test
    void roundTripsEveryKindOfValue() {
        SubscriptionState state =
                SubscriptionState.newBuilder()
                        .setUserId("u_1")
                        .setTier("PRO")
                        .setStatus("active")
                        .setStripeCustomerId("cus_1")
                        .setStripeSubscriptionId(null)
                        .setPeriodStart(Instant.parse("2026-11-01T00:00:00Z"))
                        .setPeriodEnd(Instant.parse("2026-12-01T00:00:00Z"))
                        .setPaymentFailed(false)
                        .setUpdatedAt(Instant.parse("2026-11-25T17:30:00.123Z"))
                        .setLastStripeEventCreated(Instant.parse("2026-11-01T00:00:01Z"))
                        .build();

        assertThat(roundTrip(Topics.SESSION_COMPLETED.name(), session)).isEqualTo(session);
        assertThat(roundTrip(Topics.SUBSCRIPTION_STATE.name(), state)).isEqualTo(state);
    }

    @Test
    void readsARecordWrittenWithAnOlderPublishedSchema() throws IOException {
        // An earlier UsageState without the optional period_end, published as v1 of a history.
        Schema older = PublishedSchemas.versionsOf("UsageState").get(0);
        String withoutPeriodEnd =
                older.toString()
                        .replaceAll("\\{\"name\":\"period_end\".*?\"default\":null\\},", "");
        older = new Schema.Parser().parse(withoutPeriodEnd);
        assertThat(older.getField("period_end")).isNull();
        GenericRecord oldRecord = new GenericData.Record(older);
        oldRecord.put("user_id", "u_1");
        oldRecord.put("tier", "FREE");
        oldRecord.put("period_start", null);
        oldRecord.put("tokens_used", 42L);
        oldRecord.put("limit", 100_000L);
        oldRecord.put("updated_at", 1_700_000_000_000L);
        Map<Class<? extends SpecificRecord>, List<Schema>> history =
                Map.of(UsageState.class, List.of(older, UsageState.getClassSchema()));

        UsageState decoded =
                (UsageState)
                        new AvroSingleObjectDeserializer(history)
                                .deserialize(Topics.USAGE_STATE.name(), encode(older, oldRecord));

        assertThat(decoded.getUserId()).isEqualTo("u_1");
        assertThat(decoded.getTokensUsed()).isEqualTo(42L);
        assertThat(decoded.getPeriodEnd()).isNull();
        assertThat(decoded.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    }

    @Test
    void refusesAnUnknownFingerprintNamingIt() {
        byte[] bytes = serializer.serialize(Topics.SESSION_COMPLETED.name(), session);
        bytes[5] ^= 0x5A;

        assertThatThrownBy(() -> deserializer.deserialize("grading.session-completed.v1", bytes))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("unknown writer schema fingerprint 0x")
                .hasMessageContaining("grading.session-completed.v1");
    }

    @Test
    void refusesBytesThatAreNotSingleObjectEncoded() {
        byte[] json = "{\"session_id\":\"s_1\"}".getBytes();

        assertThatThrownBy(() -> deserializer.deserialize("grading.session-completed.v1", json))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("not Avro single-object encoding");
    }

    @Test
    void refusesARecordOfAnotherTypeOnACatalogueTopic() {
        byte[] bytes = serializer.serialize(Topics.SESSION_COMPLETED.name(), session);

        assertThatThrownBy(() -> deserializer.deserialize(Topics.USAGE_STATE.name(), bytes))
                .isInstanceOf(UnknownSchemaException.class)
                .hasMessageContaining("is a SessionCompleted but the topic carries UsageState");
    }

    @Test
    void refusesATruncatedBody() {
        byte[] bytes = serializer.serialize(Topics.SESSION_COMPLETED.name(), session);
        byte[] truncated = Arrays.copyOf(bytes, 14);

        assertThatThrownBy(
                        () -> deserializer.deserialize(Topics.SESSION_COMPLETED.name(), truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot decode SessionCompleted");
    }

    /** 15 bytes: the header of a catalogue type, then a length of 2^30 for its first field. */
    @ParameterizedTest
    @MethodSource("catalogueTopics")
    void refusesARecordDeclaringAGigabyteWithoutAllocatingIt(String topic) {
        Class<?> type = Topics.byName(topic).orElseThrow().valueType();
        byte[] bomb = withHeader(type, 1L << 30);

        long allocated = allocatedBy(topic, withHeader(type, 100), bomb);

        assertThat(allocated).isLessThan(1024 * 1024);
        assertThatThrownBy(() -> deserializer.deserialize(topic, bomb))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot decode");
    }

    @Test
    void refusesAnArrayDeclaringABillionItemsWithoutAllocatingThem() throws IOException {
        byte[] bomb = sessionWithPhases(1L << 30);
        String topic = Topics.SESSION_COMPLETED.name();

        long allocated = allocatedBy(topic, sessionWithPhases(100), bomb);

        assertThat(allocated).isLessThan(1024 * 1024);
        assertThatThrownBy(() -> deserializer.deserialize(topic, bomb))
                .isInstanceOf(SerializationException.class);
    }

    private static byte[] sessionWithPhases(long declared) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(withHeader(SessionCompleted.class));
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        encoder.writeString("s_1");
        encoder.writeString("u_1");
        encoder.writeLong(1_700_000_000_000L);
        encoder.writeLong(declared);
        encoder.flush();
        return out.toByteArray();
    }

    static List<String> catalogueTopics() {
        return Topics.all().stream().map(topic -> topic.name()).toList();
    }

    private static byte[] withHeader(Class<?> type, long... varints) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0xC3, 0x01});
            Schema schema = (Schema) type.getMethod("getClassSchema").invoke(null);
            out.write(
                    ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(PublishedSchemas.fingerprint(schema))
                            .array());
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            for (long varint : varints) {
                encoder.writeLong(varint);
            }
            encoder.flush();
            return out.toByteArray();
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Bytes the current thread allocated while decoding {@code bomb} on {@code topic}, after a
     * first refusal of a small one (which loads the classes a refusal needs). Once only: a decoder
     * may keep a buffer it allocated for the next record.
     */
    private long allocatedBy(String topic, byte[] smallBomb, byte[] bomb) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        decodeIgnoringRefusal(topic, smallBomb);
        long before = threads.getCurrentThreadAllocatedBytes();
        decodeIgnoringRefusal(topic, bomb);
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private void decodeIgnoringRefusal(String topic, byte[] bytes) {
        try {
            new AvroSingleObjectDeserializer().deserialize(topic, bytes);
        } catch (SerializationException expected) {
            // the refusal is asserted separately; here only the allocation counts
        }
    }

    @Test
    void passesRawBytesThroughForDeadLetters() {
        byte[] raw = {1, 2, 3};

        assertThat(serializer.serialize("any.DLT", raw)).isSameAs(raw);
        assertThat(deserializer.deserialize("any", null)).isNull();
    }

    private Object roundTrip(String topic, Object value) {
        return deserializer.deserialize(topic, serializer.serialize(topic, value));
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xC3, 0x01});
        out.write(
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(PublishedSchemas.fingerprint(schema))
                        .array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
