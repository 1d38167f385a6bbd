package io.tokenmeter.metering.usage;

/**
 * Where a session's or a subscription state's record was consumed: its position in one ordered lane
 * of its input (the Kafka adapter maps a partition to a lane and an offset to a position). It tells
 * a redelivery of the very record that counted a session or kept a state (whose announcements may
 * never have been published) from another record with the same content (a duplicate, which
 * announces nothing).
 */
public record Delivery(int lane, long position) {

    /** A session that came from no record (tests, tools): never announced again. */
    public static final Delivery NONE = new Delivery(-1, -1);

    public boolean known() {
        return lane >= 0;
    }

    /** An id of the record, unique within its input: what the crossings it caused are kept by. */
    public String id() {
        return lane + "@" + position;
    }
}
