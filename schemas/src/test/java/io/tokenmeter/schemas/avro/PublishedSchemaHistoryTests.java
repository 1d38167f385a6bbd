package io.tokenmeter.schemas.avro;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The build's guard on the contract's schemas: today's schema of every record is published (its
 * exact text is in {@code src/main/avro-history}), and every published version is backward and
 * forward compatible with every earlier one. Changing a schema therefore means adding {@code
 * vN+1.avsc} — and the build refuses an incompatible one.
 */
class PublishedSchemaHistoryTests {

    static Stream<Topic<?>> topics() {
        return Topics.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void todaysSchemaIsPublished(Topic<?> topic) {
        Schema current = PublishedSchemas.currentSchema(topic.valueType());
        List<Schema> versions = PublishedSchemas.versionsOf(topic.valueType().getSimpleName());

        assertThat(versions).as("published versions of %s", current.getName()).isNotEmpty();
        assertThat(PublishedSchemas.fingerprint(versions.get(versions.size() - 1)))
                .as(
                        "%s changed: publish it as avro-history/%s/v%d.avsc",
                        current.getName(), current.getName(), versions.size() + 1)
                .isEqualTo(PublishedSchemas.fingerprint(current));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void everyVersionIsCompatibleWithAllEarlierOnes(Topic<?> topic) {
        List<Schema> versions = PublishedSchemas.versionsOf(topic.valueType().getSimpleName());

        for (int i = 1; i < versions.size(); i++) {
            assertThat(SchemaEvolution.incompatibilities(versions.get(i), versions.subList(0, i)))
                    .as("%s v%d", topic.valueType().getSimpleName(), i + 1)
                    .isEmpty();
        }
    }
}
