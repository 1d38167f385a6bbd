package io.tokenmeter.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a replay ({@code ops replay --from earliest}) must rebuild of a service's schema, as text to
 * compare before and after: every table's rows, without the outbox (transient), Flyway's history,
 * the tables that are not derived from any topic and the columns that record wall-clock time or row
 * versions. Used by the e2e replay tests and by {@code ./bench}'s replay phase.
 */
public final class DerivedTables {

    /**
     * Not derived from any topic: the record of threshold notifications already sent (a log: an
     * announcement is never withdrawn), metering's record of how far its input's batches were
     * committed to Kafka (a replay commits in batches of its own), its rebuild epoch, and holds
     * (taken over HTTP; a rebuild starts without).
     */
    static final Set<String> NOT_DERIVED_TABLES =
            Set.of(
                    "usage_threshold",
                    "delivery_committed",
                    "rebuild_epoch",
                    "reservation",
                    "reservation_user");

    static final Set<String> VOLATILE_COLUMNS =
            Set.of("updated_at", "processed_at", "created_at", "crossed_at", "version", "id");

    private DerivedTables() {}

    /** Per derived table of {@code schema}: its rows as text, sorted. */
    public static Map<String, List<String>> rows(Connection connection, String schema)
            throws SQLException {
        Map<String, List<String>> tables = new TreeMap<>();
        for (var table : rowTexts(connection, schema).entrySet()) {
            List<String> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery(
                                    "SELECT "
                                            + table.getValue()
                                            + " FROM "
                                            + schema
                                            + "."
                                            + table.getKey())) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            rows.sort(null);
            tables.put(table.getKey(), rows);
        }
        return tables;
    }

    /**
     * Per derived table of {@code schema}: its row count and the md5 of its sorted rows, for tables
     * too large to hold as text.
     */
    public static Map<String, String> digests(Connection connection, String schema)
            throws SQLException {
        Map<String, String> digests = new TreeMap<>();
        for (var table : rowTexts(connection, schema).entrySet()) {
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery(
                                    "SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r"
                                            + " COLLATE \"C\"), '')) FROM (SELECT "
                                            + table.getValue()
                                            + " AS r FROM "
                                            + schema
                                            + "."
                                            + table.getKey()
                                            + ") x")) {
                rs.next();
                digests.put(table.getKey(), rs.getLong(1) + " " + rs.getString(2));
            }
        }
        return digests;
    }

    /** Per derived table of {@code schema}: the SQL expression of one of its rows as text. */
    private static Map<String, String> rowTexts(Connection connection, String schema)
            throws SQLException {
        Map<String, List<String>> columns = new TreeMap<>();
        try (var statement =
                connection.prepareStatement(
                        "SELECT table_name, column_name FROM information_schema.columns"
                                + " WHERE table_schema = ? ORDER BY table_name, ordinal_position")) {
            statement.setString(1, schema);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    String column = rs.getString(2);
                    if (!table.contains("outbox")
                            && !table.startsWith("flyway")
                            && !NOT_DERIVED_TABLES.contains(table)
                            && !VOLATILE_COLUMNS.contains(column)) {
                        columns.computeIfAbsent(table, t -> new ArrayList<>()).add(column);
                    }
                }
            }
        }
        Map<String, String> texts = new TreeMap<>();
        columns.forEach(
                (table, names) ->
                        texts.put(
                                table,
                                "concat_ws('|', "
                                        + String.join(
                                                ", ",
                                                names.stream()
                                                        .map(c -> "coalesce(" + c + "::text, '∅')")
                                                        .toList())
                                        + ")"));
        return texts;
    }
}
