package io.tokenmeter.metering.usage;

/**
 * Where a session's record was consumed: its partition and offset. It tells a redelivery of the
 * very record that counted a session (whose announcements may never have been published) from
 * another record with the same session id (a duplicate, which announces nothing).
 */
public record Delivery(int partition, long offset) {

    /** A session that came from no record (tests, tools): never announced again. */
    public static final Delivery NONE = new Delivery(-1, -1);

    public boolean known() {
        return partition >= 0;
    }
}
