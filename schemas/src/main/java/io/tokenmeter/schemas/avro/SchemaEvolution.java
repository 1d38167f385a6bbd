package io.tokenmeter.schemas.avro;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The evolution rule of the contract (CONTRACT §4): a new version of a schema must be both backward
 * compatible (it reads what every earlier version wrote) and forward compatible (every earlier
 * version reads what it writes).
 */
public final class SchemaEvolution {

    private SchemaEvolution() {}

    /** Why {@code candidate} may not follow {@code published}; empty when it may. */
    public static List<String> incompatibilities(Schema candidate, List<Schema> published) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < published.size(); i++) {
            Schema earlier = published.get(i);
            String version = "v" + (i + 1);
            SchemaPairCompatibility backward =
                    SchemaCompatibility.checkReaderWriterCompatibility(candidate, earlier);
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(
                        "cannot read what "
                                + version
                                + " wrote (not backward compatible): "
                                + backward.getResult().getIncompatibilities());
            }
            SchemaPairCompatibility forward =
                    SchemaCompatibility.checkReaderWriterCompatibility(earlier, candidate);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(
                        version
                                + " cannot read what it writes (not forward compatible): "
                                + forward.getResult().getIncompatibilities());
            }
        }
        return problems;
    }
}
