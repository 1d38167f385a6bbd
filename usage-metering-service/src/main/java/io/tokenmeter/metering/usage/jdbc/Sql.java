package io.tokenmeter.metering.usage.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Small conversions shared by the JDBC adapters. */
final class Sql {

    /**
     * An epoch-millisecond parameter as a timestamptz, exactly (no floating point). Arrays of
     * instants travel as {@code bigint[]} of epoch milliseconds: pgjdbc encodes those cheaply.
     */
    static String millisToTimestamp(String expression) {
        return "(timestamptz 'epoch' + " + expression + " * interval '1 millisecond')";
    }

    private Sql() {}

    static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static OffsetDateTime timestamp(Optional<Instant> instant) {
        return timestamp(instant.orElse(null));
    }

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return Optional.ofNullable(value).map(OffsetDateTime::toInstant);
    }
}
