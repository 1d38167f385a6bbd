package io.tokenmeter.ops;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Rebuilds a service's derived state from its input topics, while the service is stopped:
 *
 * <ul>
 *   <li>{@code --from earliest}: a full rebuild. The service's PostgreSQL schema is emptied (its
 *       tables, views and sequences dropped; the schema itself stays, owned by the service's role,
 *       which may not create schemas) and its consumer group rewound to the beginning; on its next
 *       start Flyway migrates the empty schema and the service derives everything again, which
 *       equals what it had (CONTRACT rule 7).
 *   <li>{@code --from <time>}: the group is rewound to the first offset at or after that instant
 *       and the state is kept; the idempotent consumers skip what they already applied and fill in
 *       what they missed (after a dead-letter fix, say).
 * </ul>
 *
 * Refused while the group has live members: offsets of a running group cannot be changed, and a
 * running service would race the rebuild.
 */
@Command(
        name = "replay",
        description =
                "Rebuilds a stopped service's state from its input topics: --from earliest"
                        + " drops its schema and rewinds its group; --from <time> rewinds to"
                        + " that instant and keeps the state.")
final class Replay implements Callable<Integer> {

    @ParentCommand Ops ops;

    @Option(
            names = "--service",
            required = true,
            paramLabel = "<service>",
            description = "subscription-service, usage-metering-service or dashboard-api-service")
    String serviceName;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "earliest|<ISO-8601 time>",
            description = "where to replay from")
    String from;

    @Override
    public Integer call() throws InterruptedException, ExecutionException, TimeoutException {
        ReplayableService service =
                ReplayableService.named(serviceName)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                serviceName
                                                        + " has no derived state to replay (one of"
                                                        + " subscription-service,"
                                                        + " usage-metering-service,"
                                                        + " dashboard-api-service)"));
        boolean full = from.equals("earliest");
        Instant since = full ? null : parse(from);
        try (Admin admin = KafkaClients.admin(ops.bootstrap())) {
            int members = liveMembers(admin, service.consumerGroup());
            if (members > 0) {
                ops.out.println(
                        "replay refused: consumer group "
                                + service.consumerGroup()
                                + " has "
                                + members
                                + " live member(s); stop every instance of "
                                + serviceName
                                + " first");
                return Ops.REFUSED;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = targetOffsets(admin, service, since);
            // Rewind first: should dropping fail afterwards, the service merely re-applies
            // events to the state it has, which its idempotency makes harmless.
            admin.alterConsumerGroupOffsets(service.consumerGroup(), offsets)
                    .all()
                    .get(30, TimeUnit.SECONDS);
            if (full) {
                dropDerivedState(service);
            }
            ops.out.println(
                    "replay: "
                            + service.consumerGroup()
                            + " rewound on "
                            + offsets.size()
                            + " partitions of "
                            + service.inputs().stream().map(t -> t.name()).toList()
                            + (full ? " to the beginning" : " to " + since)
                            + ". Start "
                            + serviceName
                            + " to rebuild.");
            return Ops.OK;
        } catch (SQLException e) {
            ops.out.println(
                    "replay failed: cannot empty schema "
                            + service.schema()
                            + ": "
                            + e.getMessage());
            return Ops.REFUSED;
        }
    }

    private static Instant parse(String from) {
        try {
            return Instant.parse(from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--from takes 'earliest' or an ISO-8601 instant such as 2026-11-01T00:00:00Z");
        }
    }

    private static int liveMembers(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            ConsumerGroupDescription description =
                    admin.describeConsumerGroups(List.of(group))
                            .describedGroups()
                            .get(group)
                            .get(30, TimeUnit.SECONDS);
            return description.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw e;
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> targetOffsets(
            Admin admin, ReplayableService service, Instant since)
            throws InterruptedException, ExecutionException, TimeoutException {
        OffsetSpec spec =
                since == null
                        ? OffsetSpec.earliest()
                        : OffsetSpec.forTimestamp(since.toEpochMilli());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        for (var topic : service.inputs()) {
            for (int partition = 0; partition < topic.partitions(); partition++) {
                latest.put(new TopicPartition(topic.name(), partition), OffsetSpec.latest());
                wanted.put(new TopicPartition(topic.name(), partition), spec);
            }
        }
        Map<TopicPartition, ListOffsetsResultInfo> ends =
                admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> found =
                admin.listOffsets(wanted).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : wanted.keySet()) {
            // No record at or after the instant: nothing to replay there, so the end.
            ListOffsetsResultInfo info = found.get(tp).offset() < 0 ? ends.get(tp) : found.get(tp);
            offsets.put(tp, new OffsetAndMetadata(info.offset()));
        }
        return offsets;
    }

    /**
     * Drops everything in a schema but the schema: run as the service's role (its owner) or an
     * admin. A table's sequences and indexes go with it, hence {@code IF EXISTS}.
     */
    private static final String EMPTY_SCHEMA =
            """
            DO $$
            DECLARE
                object record;
            BEGIN
                FOR object IN
                    SELECT c.relname,
                           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                               WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = '$schema' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                LOOP
                    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
                        object.kind, '$schema', object.relname);
                END LOOP;
            END
            $$
            """;

    private void dropDerivedState(ReplayableService service) throws SQLException {
        try (Connection connection =
                        ops.database("replay --from earliest drops the service's derived state");
                Statement statement = connection.createStatement()) {
            statement.execute(EMPTY_SCHEMA.replace("$schema", service.schema()));
        }
        ops.out.println(
                "replay: emptied schema " + service.schema() + " (migrated by Flyway on start)");
    }
}
