package io.tokenmeter.dashboard.status;

import java.util.List;

/**
 * Port: where the dashboard keeps its status read model. Applying is idempotent and order-proof: a
 * snapshot older than the stored one (in the order {@link SubscriptionSnapshot} and {@link
 * UsageSnapshot#isAtLeastAsNewAs} define) changes nothing.
 *
 * <p>The read model is shared by every instance of the service, each caching answers from it:
 * applying also announces, atomically with the change, whose status may have changed, so that the
 * other instances' {@link StatusChanges} hear of it once it is committed.
 */
public interface StatusReadModel {

    /** Applies the snapshots in order, all or none. */
    void applySubscriptions(List<SubscriptionSnapshot> snapshots);

    /** Applies the snapshots in order, all or none. */
    void applyUsage(List<UsageSnapshot> snapshots);

    /** What is stored for the user (case-sensitive id); {@link StoredState#NOTHING} if nothing. */
    StoredState load(String userId);
}
