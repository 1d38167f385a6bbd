package io.tokenmeter.metering.usage.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tokenmeter.metering.usage.kafka.OutboundRecords;
import io.tokenmeter.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Relays the outbox to Kafka exactly once (for {@code read_committed} consumers).
 *
 * <p>Each relay batch is one Kafka transaction holding the batch's records <em>and</em> the relay's
 * progress: the highest outbox id relayed, stored as the committed offset of a consumer group of
 * its own ({@code <relay id>}) via {@code sendOffsetsToTransaction}. Records and progress become
 * visible together or not at all. Rows are deleted from the outbox after the Kafka commit, by
 * {@link OutboxCleaner} off the relay's path; a crash before the delete is harmless, because on
 * start the relay fences its predecessor ({@code initTransactions} with a fixed transactional id,
 * aborting any open transaction), reads the committed progress and resumes after it. Outbox ids are
 * assigned in commit order (see {@link OutboxUsageEvents#OUTBOX_LOCK}), so "everything up to id N"
 * is a complete description of what was relayed.
 *
 * <p>One relay runs per database: instances compete for a PostgreSQL advisory lock and the losers
 * wait.
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    /** Header carrying the outbox id, for tracing a record back to its transaction. */
    public static final String OUTBOX_ID_HEADER = "tokenmeter-outbox-id";

    /** Where the relay's progress is kept, as a committed offset of the relay's own group. */
    static final TopicPartition PROGRESS = new TopicPartition(Topics.SESSION_COST.name(), 0);

    /**
     * The producer's {@code retry.backoff.ms}. A transaction's first send to a partition whose
     * previous transaction's commit markers are still being written is refused
     * (CONCURRENT_TRANSACTIONS) and retried after this backoff: with the default 100 ms,
     * back-to-back relay transactions took ~110 ms each instead of ~10 ms ({@code
     * RelayTransactionBenchmark}).
     */
    public static final int RETRY_BACKOFF_MS = 5;

    private static final long RELAY_LOCK = 0x6f7574626f78L;
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final OutboxCleaner cleaner;
    private final DataSource dataSource;
    private final Map<String, Object> producerConfig;
    private final String relayId;
    private final int batchSize;
    private final Duration idlePoll;
    private final Counter relayed;
    private final Object signal = new Object();
    private boolean signalled;
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(
            JdbcTemplate jdbc,
            DataSource dataSource,
            Map<String, Object> kafkaProducerConfig,
            String relayId,
            int batchSize,
            Duration idlePoll,
            MeterRegistry registry) {
        this.jdbc = jdbc;
        this.cleaner = new OutboxCleaner(jdbc);
        this.dataSource = dataSource;
        this.relayId = relayId;
        this.batchSize = batchSize;
        this.idlePoll = idlePoll;
        this.producerConfig = new HashMap<>(kafkaProducerConfig);
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, relayId);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerConfig.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        producerConfig.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.relayed =
                Counter.builder("tokenmeter.outbox.relayed")
                        .description("Outbox records published to Kafka")
                        .register(registry);
    }

    /** Tells the relay that new rows were committed (it also polls, for other instances). */
    public void wakeUp() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    @Override
    public void start() {
        running = true;
        cleaner.start();
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        cleaner.stop();
        wakeUp();
        if (thread != null) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Stops after the listener containers (which stop at a higher phase), so that the last
        // committed batches are relayed before shutdown.
        return Integer.MAX_VALUE - 1000;
    }

    private void run() {
        while (running) {
            try (Connection lockConnection = dataSource.getConnection()) {
                if (!tryLock(lockConnection)) {
                    await(RETRY);
                    continue;
                }
                relayWhileRunning();
            } catch (Exception e) {
                if (running) {
                    log.warn("outbox relay failed, restarting in {}: {}", RETRY, e.toString());
                    await(RETRY);
                }
            }
        }
    }

    private void relayWhileRunning() throws Exception {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig);
        try {
            producer.initTransactions();
            String epoch = jdbc.queryForObject("select epoch from outbox_epoch", String.class);
            long watermark = recover(epoch);
            cleaner.removedUpTo(watermark);
            while (running) {
                List<Row> rows =
                        jdbc.query(
                                "select id, topic, message_key, payload, trace_parent from outbox"
                                        + " where id > ? order by id limit ?",
                                (ResultSet rs, int i) ->
                                        new Row(
                                                rs.getLong(1),
                                                rs.getString(2),
                                                rs.getString(3),
                                                rs.getBytes(4),
                                                rs.getBytes(5)),
                                watermark,
                                batchSize);
                if (rows.isEmpty()) {
                    await(idlePoll);
                    continue;
                }
                long last = rows.get(rows.size() - 1).id();
                producer.beginTransaction();
                for (Row row : rows) {
                    ProducerRecord<String, byte[]> record =
                            new ProducerRecord<>(row.topic(), row.key(), row.payload());
                    record.headers()
                            .add(
                                    OUTBOX_ID_HEADER,
                                    Long.toString(row.id()).getBytes(StandardCharsets.UTF_8));
                    if (row.traceParent() != null) {
                        record.headers().add(OutboundRecords.TRACEPARENT, row.traceParent());
                    }
                    producer.send(record);
                }
                producer.sendOffsetsToTransaction(
                        Map.of(PROGRESS, new OffsetAndMetadata(last, epoch)),
                        new ConsumerGroupMetadata(relayId));
                producer.commitTransaction();
                watermark = last;
                relayed.increment(rows.size());
                cleaner.relayedUpTo(watermark);
            }
        } finally {
            // Aborts an open transaction; bounded, so that shutdown never hangs on a lost broker.
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * The highest outbox id of this schema's epoch whose Kafka transaction committed; rows up to it
     * are removed. Progress recorded under another epoch (a schema since dropped and rebuilt) says
     * nothing about these rows: the relay then starts from the beginning.
     */
    private long recover(String epoch) throws Exception {
        Map<String, Object> adminConfig =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(adminConfig)) {
            OffsetAndMetadata progress =
                    admin.listConsumerGroupOffsets(
                                    relayId,
                                    new ListConsumerGroupOffsetsOptions().requireStable(true))
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS)
                            .get(PROGRESS);
            long committed =
                    progress == null || !epoch.equals(progress.metadata()) ? 0 : progress.offset();
            int removed = jdbc.update("delete from outbox where id <= ?", committed);
            log.info(
                    "outbox relay {} resumes after id {} ({} already relayed rows removed)",
                    relayId,
                    committed,
                    removed);
            return committed;
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("select pg_try_advisory_lock(" + RELAY_LOCK + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private void await(Duration timeout) {
        synchronized (signal) {
            if (!signalled && running) {
                try {
                    signal.wait(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            signalled = false;
        }
    }

    private record Row(long id, String topic, String key, byte[] payload, byte[] traceParent) {}
}
