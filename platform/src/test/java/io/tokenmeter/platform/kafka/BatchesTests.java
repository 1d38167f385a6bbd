package io.tokenmeter.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.SerializationUtils;

class BatchesTests {

    final List<List<String>> applied = new ArrayList<>();

    static ConsumerRecord<String, Object> record(int offset, Object value) {
        return new ConsumerRecord<>("t", 0, offset, "k", value);
    }

    static ConsumerRecord<String, Object> undecodable(int offset) {
        ConsumerRecord<String, Object> record = record(offset, null);
        SerializationUtils.deserializationException(
                record.headers(),
                new byte[] {1, 2, 3},
                new DeserializationException("bad bytes", new byte[] {1, 2, 3}, false, null),
                false);
        return record;
    }

    static String mapping(String value) {
        if (value.startsWith("invalid")) {
            throw new IllegalArgumentException("invalid value");
        }
        return value.toUpperCase();
    }

    @Test
    void appliesAWholeBatchInOneCall() {
        Batches.apply(
                List.of(record(0, "a"), record(1, null), record(2, "b")),
                String.class,
                BatchesTests::mapping,
                applied::add);

        assertThat(applied).containsExactly(List.of("A", "B"));
    }

    @Test
    void appliesTheRecordsBeforeAnUndecodableOneThenFailsTheBatchAtIt() {
        assertThatThrownBy(
                        () ->
                                Batches.apply(
                                        List.of(record(0, "a"), undecodable(1), record(2, "b")),
                                        String.class,
                                        BatchesTests::mapping,
                                        applied::add))
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        failure -> {
                            assertThat(failure.getIndex()).isEqualTo(1);
                            assertThat(failure.getCause())
                                    .isInstanceOf(DeserializationException.class);
                        });

        assertThat(applied).containsExactly(List.of("A"));
    }

    @Test
    void failsTheBatchAtAnInvalidRecordAsNotRetryable() {
        assertThatThrownBy(
                        () ->
                                Batches.apply(
                                        List.of(record(0, "invalid"), record(1, "b")),
                                        String.class,
                                        BatchesTests::mapping,
                                        applied::add))
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        failure -> {
                            assertThat(failure.getIndex()).isZero();
                            assertThat(failure.getCause())
                                    .isInstanceOf(InvalidRecordException.class);
                        });

        assertThat(applied).isEmpty();
    }

    @Test
    void isolatesARecordTheReadModelRefusesAndAppliesTheOthersOfItsBatch() {
        assertThatThrownBy(
                        () ->
                                Batches.apply(
                                        List.of(
                                                record(0, "a"),
                                                record(1, null),
                                                record(2, "refused"),
                                                record(3, "b")),
                                        String.class,
                                        BatchesTests::mapping,
                                        this::applyRefusingOne))
                .isInstanceOfSatisfying(
                        BatchListenerFailedException.class,
                        failure -> {
                            assertThat(failure.getIndex()).isEqualTo(2);
                            assertThat(failure.getCause())
                                    .isInstanceOf(DataIntegrityViolationException.class);
                        });

        // The error handler commits what precedes index 2, dead-letters it, redelivers the rest.
        assertThat(applied).containsExactly(List.of("A"));
    }

    @Test
    void failsTheWholeBatchWhenTheDatabaseIsUnavailable() {
        assertThatThrownBy(
                        () ->
                                Batches.apply(
                                        List.of(record(0, "a"), record(1, "b")),
                                        String.class,
                                        BatchesTests::mapping,
                                        values -> {
                                            throw new DataAccessResourceFailureException(
                                                    "connection refused");
                                        }))
                .isInstanceOf(DataAccessResourceFailureException.class);
    }

    /** A read model that refuses (as the database would) any batch holding "REFUSED". */
    private void applyRefusingOne(List<String> values) {
        if (values.contains("REFUSED")) {
            throw new DataIntegrityViolationException("value too long for type character(3)");
        }
        applied.add(values);
    }
}
