package io.tokenmeter.testsupport;

import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Kafka and PostgreSQL in containers, for machines with a Docker engine. */
final class ContainerBackend implements TestInfrastructure.Backend {

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;

    private ContainerBackend(KafkaContainer kafka, PostgreSQLContainer postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static ContainerBackend start() {
        KafkaContainer kafka = new KafkaContainer("apache/kafka:4.1.2");
        PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17-alpine");
        kafka.start();
        postgres.start();
        return new ContainerBackend(kafka, postgres);
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String postgresUrl() {
        return postgres.getJdbcUrl();
    }

    @Override
    public String postgresUser() {
        return postgres.getUsername();
    }

    @Override
    public String postgresPassword() {
        return postgres.getPassword();
    }

    @Override
    public void stop() {
        kafka.stop();
        postgres.stop();
    }
}
