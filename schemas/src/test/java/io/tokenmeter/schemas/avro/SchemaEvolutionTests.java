package io.tokenmeter.schemas.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTests {

    private final Schema published = PublishedSchemas.versionsOf("SessionCompleted").get(0);

    @Test
    void acceptsAnOptionalFieldWithADefault() {
        Schema candidate =
                withExtraField(
                        "{\"name\": \"pipeline\", \"type\": [\"null\", \"string\"], \"default\": null}");

        assertThat(SchemaEvolution.incompatibilities(candidate, List.of(published))).isEmpty();
    }

    @Test
    void detectsARequiredFieldAddedWithoutDefaultAsNotBackwardCompatible() {
        Schema candidate = withExtraField("{\"name\": \"pipeline\", \"type\": \"string\"}");

        assertThat(SchemaEvolution.incompatibilities(candidate, List.of(published)))
                .singleElement()
                .asString()
                .contains("not backward compatible")
                .contains("pipeline");
    }

    @Test
    void detectsARemovedRequiredFieldAsNotForwardCompatible() {
        String text =
                published.toString().replace("{\"name\":\"user_id\",\"type\":\"string\"},", "");
        Schema candidate = new Schema.Parser().parse(text);

        assertThat(SchemaEvolution.incompatibilities(candidate, List.of(published)))
                .singleElement()
                .asString()
                .contains("not forward compatible")
                .contains("user_id");
    }

    @Test
    void detectsATypeChangeInBothDirections() {
        String text =
                published
                        .toString()
                        .replace(
                                "{\"name\":\"prompt_tokens\",\"type\":\"long\"",
                                "{\"name\":\"prompt_tokens\",\"type\":\"string\"");
        Schema candidate = new Schema.Parser().parse(text);

        assertThat(SchemaEvolution.incompatibilities(candidate, List.of(published))).hasSize(2);
    }

    private Schema withExtraField(String fieldJson) {
        String text = published.toString();
        String closing = "]}";
        String extended =
                text.substring(0, text.length() - closing.length()) + "," + fieldJson + closing;
        return new Schema.Parser().parse(extended);
    }
}
