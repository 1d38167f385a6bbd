package io.tokenmeter.metering.benchmark;

import io.tokenmeter.metering.usage.kafka.MeteredBatchTransactions;
import io.tokenmeter.testsupport.TestInfrastructure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What one Kafka transaction costs when transactions follow each other with no pause, as metered
 * batches do under load: a few records over six partitions, progress as a transactional offset
 * commit, then the commit — with the producer's default {@code retry.backoff.ms} (the naive
 * baseline) and with the metering producer's 5 ms. Not a test (surefire's includes do not match
 * {@code *Benchmark}); run it with
 *
 * <pre>
 * ./mvnw -B -o -pl usage-metering-service test -Dtest=BackToBackTransactionBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class BackToBackTransactionBenchmark {

    static final int TRANSACTIONS = Integer.getInteger("bench.transactions", 100);
    static final int WARMUP = 20;
    static final int RECORDS = 20;

    @Test
    void measure() throws Exception {
        String bootstrap = TestInfrastructure.kafkaBootstrapServers();
        String topic = "relay-transaction-benchmark-" + UUID.randomUUID();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
        }
        // Twice each, alternating, so that neither gets all the warm-up.
        double naive = 0;
        double relay = 0;
        for (int round = 0; round < 2; round++) {
            naive = report("default retry.backoff.ms (100)", bootstrap, topic, null);
            relay =
                    report(
                            "metering's retry.backoff.ms ("
                                    + MeteredBatchTransactions.RETRY_BACKOFF_MS
                                    + ")",
                            bootstrap,
                            topic,
                            MeteredBatchTransactions.RETRY_BACKOFF_MS);
        }
        System.out.printf("ratio default / relay (p50 per transaction): %.1fx%n", naive / relay);
    }

    /** Back-to-back transactions; prints their latencies and returns the median in ms. */
    static double report(String label, String bootstrap, String topic, Integer backoff) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "relay-benchmark-" + UUID.randomUUID());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        if (backoff != null) {
            config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, backoff);
        }
        List<Long> micros = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            ConsumerGroupMetadata progress = new ConsumerGroupMetadata("relay-benchmark-progress");
            for (int i = 0; i < WARMUP + TRANSACTIONS; i++) {
                long start = System.nanoTime();
                producer.beginTransaction();
                for (int r = 0; r < RECORDS; r++) {
                    producer.send(new ProducerRecord<>(topic, "user-" + (i * RECORDS + r), "x"));
                }
                producer.sendOffsetsToTransaction(
                        Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(i + 1)),
                        progress);
                producer.commitTransaction();
                if (i >= WARMUP) {
                    micros.add((System.nanoTime() - start) / 1_000);
                }
            }
        }
        Collections.sort(micros);
        double p50 = micros.get(micros.size() / 2) / 1000.0;
        System.out.printf(
                "%-32s %d transactions: p50 %6.1f ms  p90 %6.1f ms  max %6.1f ms%n",
                label,
                micros.size(),
                p50,
                micros.get(micros.size() * 9 / 10) / 1000.0,
                micros.get(micros.size() - 1) / 1000.0);
        return p50;
    }
}
