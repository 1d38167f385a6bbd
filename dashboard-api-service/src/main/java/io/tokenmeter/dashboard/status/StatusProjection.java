package io.tokenmeter.dashboard.status;

import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps the status read model in step with the subscription and usage states the other services
 * publish, and answers a user's status from it. Replaying both topics from the beginning into an
 * empty read model yields the same rows: every apply keeps the newer of stored and incoming.
 */
public class StatusProjection {

    private final StatusReadModel readModel;
    private final StatusChanges changes;
    private final Clock clock;
    private final RecentSessions recentSessions;

    /**
     * @param recentSessions where the estimate of sessions left comes from
     */
    public StatusProjection(
            StatusReadModel readModel,
            StatusChanges changes,
            Clock clock,
            RecentSessions recentSessions) {
        this.readModel = readModel;
        this.changes = changes;
        this.clock = clock;
        this.recentSessions = recentSessions;
    }

    public void subscriptionsReported(List<SubscriptionSnapshot> snapshots) {
        readModel.applySubscriptions(snapshots);
        changes.changed(
                snapshots.stream().map(SubscriptionSnapshot::userId).collect(Collectors.toSet()));
    }

    public void usageReported(List<UsageSnapshot> snapshots) {
        readModel.applyUsage(snapshots);
        changes.changed(snapshots.stream().map(UsageSnapshot::userId).collect(Collectors.toSet()));
    }

    /** The user's status straight from the read model (callers cache it). */
    public UserStatus statusOf(String userId) {
        return UserStatus.of(
                userId, readModel.load(userId), clock.instant(), recentSessions.latest(userId));
    }
}
