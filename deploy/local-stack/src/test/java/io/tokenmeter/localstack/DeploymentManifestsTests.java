package io.tokenmeter.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenmeter.schemas.Topic;
import io.tokenmeter.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Docker is not available here to run the compose file or a cluster, so this test reads them and
 * fails when a port, an environment variable, a probe path or a topic drifts from the code (each
 * service's {@code application.yml}, the {@code ${ENV_VAR}} placeholders it reads) and from the
 * topic catalogue.
 */
class DeploymentManifestsTests {

    static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();

    /** Read with a default by design: a deployment may leave them unset. */
    static final Set<String> OPTIONAL =
            Set.of(
                    "STRIPE_API_BASE",
                    "AUTH_JWT_JWKS_URI",
                    "AUTH_JWT_ISSUER",
                    "AUTH_JWT_AUDIENCE",
                    "PRICING_FILE");

    /** Set by deployments for the platform rather than read through a placeholder. */
    static final Set<String> PLATFORM =
            Set.of(
                    "SERVER_PORT",
                    "JAVA_TOOL_OPTIONS",
                    "LOGGING_STRUCTURED_FORMAT_CONSOLE",
                    // Kafka over TLS + SCRAM in the cluster (Spring Boot's own names)
                    "SPRING_KAFKA_SECURITY_PROTOCOL",
                    "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM",
                    "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG",
                    "SPRING_KAFKA_SSL_TRUST_STORE_TYPE",
                    "SPRING_KAFKA_SSL_TRUST_STORE_LOCATION");

    /**
     * What each service produces and consumes, and its consumer group and transactional id prefix:
     * the ACLs its KafkaUser must grant, no more.
     */
    record KafkaUse(
            List<Topic<?>> produces, List<Topic<?>> consumes, String group, String transactions) {}

    static final Map<String, KafkaUse> KAFKA_USE =
            Map.of(
                    "notification-service",
                    new KafkaUse(
                            List.of(),
                            List.of(
                                    Topics.USAGE_THRESHOLD,
                                    Topics.SUBSCRIPTION_STATE,
                                    Topics.STRIPE_WEBHOOK_EVENTS),
                            "notification-service",
                            null),
                    "webhook-ingress-service",
                    new KafkaUse(List.of(Topics.STRIPE_WEBHOOK_EVENTS), List.of(), null, null),
                    "subscription-service",
                    new KafkaUse(
                            List.of(Topics.SUBSCRIPTION_STATE),
                            List.of(Topics.STRIPE_WEBHOOK_EVENTS),
                            "subscription-service",
                            null),
                    "usage-metering-service",
                    new KafkaUse(
                            List.of(
                                    Topics.USAGE_STATE,
                                    Topics.SESSION_COST,
                                    Topics.USAGE_THRESHOLD),
                            List.of(Topics.SESSION_COMPLETED, Topics.SUBSCRIPTION_STATE),
                            "usage-metering-service",
                            "usage-metering-"),
                    "dashboard-api-service",
                    new KafkaUse(
                            List.of(),
                            List.of(
                                    Topics.SUBSCRIPTION_STATE,
                                    Topics.USAGE_STATE,
                                    Topics.SESSION_COST),
                            "dashboard-api-service",
                            null));

    /**
     * The contract's secrets: never in a ConfigMap nor in a file of the repository. (DATABASE_USER
     * is not one: each service's role is named after its schema, in the manifests.)
     */
    static final Set<String> SECRETS =
            Set.of(
                    "DATABASE_PASSWORD",
                    "STRIPE_SECRET_KEY",
                    "STRIPE_WEBHOOK_SECRET",
                    "AUTH_JWT_SECRET",
                    "METERING_API_TOKEN");

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)");

    static Stream<ServiceProcess.Definition> services() {
        return ServiceProcess.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void portsAgreeEverywhere(ServiceProcess.Definition service) {
        Map<String, Object> application =
                yaml(ROOT.resolve(service.name() + "/src/main/resources/application.yml")).get(0);
        int port = (Integer) at(application, "server", "port");

        assertThat(service.port()).as("local stack").isEqualTo(port);
        Map<String, Object> compose = composeService(service.name());
        assertThat(String.valueOf(compose.get("ports"))).isEqualTo("[" + port + ":" + port + "]");
        assertThat(compose.get("healthcheck").toString())
                .contains("http://localhost:" + port + "/actuator/health/readiness");

        Map<String, Object> container = k8sContainer(service.name());
        assertThat(at(container, "ports", 0, "containerPort")).isEqualTo(port);
        assertThat(k8sEnv(container)).containsEntry("SERVER_PORT", String.valueOf(port));
        Map<String, Object> k8sService = k8s(service.name(), "Service");
        assertThat(at(k8sService, "spec", "ports", 0, "port")).isEqualTo(port);
    }

    /** CONTRACT §3.7: metrics on the management port (service port + 1000), never published. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void scrapesTheManagementPortWhichNoServiceOrComposePortPublishes(
            ServiceProcess.Definition service) {
        int management = service.port() + 1000;
        Map<String, Object> container = k8sContainer(service.name());
        assertThat(at(container, "ports", 1, "name")).isEqualTo("management");
        assertThat(at(container, "ports", 1, "containerPort")).isEqualTo(management);
        assertThat(
                        at(
                                k8s(service.name(), "Deployment"),
                                "spec",
                                "template",
                                "metadata",
                                "annotations",
                                "prometheus.io/port"))
                .isEqualTo(String.valueOf(management));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> published =
                (List<Map<String, Object>>) at(k8s(service.name(), "Service"), "spec", "ports");
        assertThat(published).extracting(p -> p.get("port")).containsExactly(service.port());
        assertThat(String.valueOf(composeService(service.name()).get("ports")))
                .doesNotContain(String.valueOf(management));
    }

    /** Issue 18, item 4: the JVM options are defined once and applied the same way everywhere. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void runsWithTheServicesJvmOptionsEverywhere(ServiceProcess.Definition service) {
        assertThat(k8sEnv(k8sContainer(service.name())))
                .as("k8s")
                .containsEntry("JAVA_TOOL_OPTIONS", ServiceProcess.JVM_OPTIONS_TEXT);
        assertThat(read(ROOT.resolve("deploy/compose/Dockerfile")))
                .as("the image")
                .contains("ENV JAVA_TOOL_OPTIONS=\"" + ServiceProcess.JVM_OPTIONS_TEXT + "\"\n");
    }

    /**
     * A pod is killed when its process outgrows the memory limit: the limit holds the heap the JVM
     * options allow and what the JVM needs beside it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void thePodsMemoryLimitHoldsTheHeapAndTheRestOfTheJvm(ServiceProcess.Definition service) {
        java.util.regex.Matcher heap =
                java.util.regex.Pattern.compile("-Xmx(\\d+)m")
                        .matcher(ServiceProcess.JVM_OPTIONS_TEXT);
        assertThat(heap.find()).as("-Xmx in megabytes").isTrue();
        String limit =
                String.valueOf(at(k8sContainer(service.name()), "resources", "limits", "memory"));
        assertThat(limit).endsWith("Mi");

        String composeLimit =
                String.valueOf(
                        at(
                                composeService(service.name()),
                                "deploy",
                                "resources",
                                "limits",
                                "memory"));
        assertThat(composeLimit).endsWith("m");
        long needed = Long.parseLong(heap.group(1)) + ServiceProcess.NON_HEAP_MIB;

        assertThat(Long.parseLong(limit.replace("Mi", "")))
                .as("k8s")
                .isGreaterThanOrEqualTo(needed);
        assertThat(Long.parseLong(composeLimit.replace("m", "")))
                .as("compose")
                .isGreaterThanOrEqualTo(needed);
    }

    /**
     * The image starts the service as the launcher does: from the jar extracted in Spring Boot's
     * plain layout with its class data sharing archive, trained in the stage that runs (the archive
     * holds absolute paths and times) with the services' JVM options and the launcher's training
     * options. The manifests and the compose file leave the image's command alone, so the archive
     * applies there too.
     */
    @Test
    void theImageTrainsItsClassArchiveAsTheLauncherDoesAndStartsWithIt() {
        String dockerfile = read(ROOT.resolve("deploy/compose/Dockerfile"));

        assertThat(dockerfile)
                .contains("-Djarmode=tools -jar app.jar extract --layers --destination ")
                .doesNotContain("--launcher")
                .contains(
                        "\nRUN java -XX:ArchiveClassesAtExit="
                                + ClassDataSharing.ARCHIVE
                                + " "
                                + ClassDataSharing.TRAINING_OPTIONS_TEXT
                                + " -jar app.jar ")
                .endsWith(
                        "\nENTRYPOINT [\"java\", \"-XX:SharedArchiveFile="
                                + ClassDataSharing.ARCHIVE
                                + "\", \"-jar\", \"app.jar\"]\n");
        int runningStage = dockerfile.lastIndexOf("\nFROM ");
        int options = dockerfile.indexOf("\nENV JAVA_TOOL_OPTIONS=");
        int training = dockerfile.indexOf("-XX:ArchiveClassesAtExit=");
        assertThat(runningStage).isLessThan(options);
        assertThat(options).as("trained with the services' JVM options").isLessThan(training);

        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            assertThat(k8sContainer(service.name()))
                    .as("k8s " + service.name())
                    .doesNotContainKeys("command", "args");
            assertThat(composeService(service.name()))
                    .as("compose " + service.name())
                    .doesNotContainKeys("entrypoint", "command");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void probesUseTheActuatorHealthGroups(ServiceProcess.Definition service) {
        Map<String, Object> container = k8sContainer(service.name());

        assertThat(at(container, "livenessProbe", "httpGet", "path"))
                .isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "readinessProbe", "httpGet", "path"))
                .isEqualTo("/actuator/health/readiness");
        assertThat(k8s(service.name(), "PodDisruptionBudget")).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void everyVariableTheServiceReadsIsProvided(ServiceProcess.Definition service) {
        Set<String> required = new TreeSet<>(variablesReadBy(service.name()));
        required.removeAll(OPTIONAL);

        @SuppressWarnings("unchecked")
        Map<String, Object> composeEnvironment =
                (Map<String, Object>) composeService(service.name()).get("environment");
        assertThat(composeEnvironment.keySet()).as("compose").containsAll(required);

        Set<String> k8sNames = new TreeSet<>(k8sEnv(k8sContainer(service.name())).keySet());
        k8sNames.addAll(configMapKeys());
        assertThat(k8sNames).as("k8s").containsAll(required);
    }

    @Test
    void manifestsSetNoVariableThatNothingReads() {
        Set<String> known = new TreeSet<>(PLATFORM);
        known.addAll(OPTIONAL);
        ServiceProcess.ALL.forEach(service -> known.addAll(variablesReadBy(service.name())));
        known.addAll(DevSettings.DEFAULTS.keySet());

        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            @SuppressWarnings("unchecked")
            Map<String, Object> environment =
                    (Map<String, Object>) composeService(service.name()).get("environment");
            assertThat(known).as("compose " + service.name()).containsAll(environment.keySet());
            assertThat(known)
                    .as("k8s " + service.name())
                    .containsAll(k8sEnv(k8sContainer(service.name())).keySet());
        }
        assertThat(known).as("k8s ConfigMap").containsAll(configMapKeys());
    }

    @Test
    void kustomizationShipsNoSecretValues() {
        for (String resource : kustomizationResources()) {
            for (Map<String, Object> document : yaml(ROOT.resolve("deploy/k8s/" + resource))) {
                if (document != null) {
                    assertThat(document.get("kind")).as(resource).isNotEqualTo("Secret");
                }
            }
        }
        assertThat(configMapKeys()).doesNotContainAnyElementsOf(SECRETS);
    }

    /** Each service gets exactly the secrets it reads (in k8s from a Secret of its own). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void eachServiceReadsOnlyItsOwnSecrets(ServiceProcess.Definition service) {
        Set<String> needed = new TreeSet<>(variablesReadBy(service.name()));
        needed.retainAll(SECRETS);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> env =
                (List<Map<String, Object>>) k8sContainer(service.name()).get("env");
        Set<String> fromSecrets = new TreeSet<>();
        for (Map<String, Object> variable : env) {
            Object secret = at(variable, "valueFrom");
            if (secret != null && SECRETS.contains(variable.get("name"))) {
                assertThat(at(secret, "secretKeyRef", "name"))
                        .isEqualTo(service.name() + "-secrets");
                fromSecrets.add((String) variable.get("name"));
            }
        }
        assertThat(fromSecrets).isEqualTo(needed);

        Set<String> composeSecrets = new TreeSet<>(composeEnvironment(service.name()).keySet());
        composeSecrets.retainAll(SECRETS);
        assertThat(composeSecrets).as("compose").isEqualTo(needed);
    }

    /**
     * Each service with a database connects as its own role, named after the schema it migrates
     * (its {@code spring.flyway.schemas}), with a password of its own; the roles script gives each
     * role its schema, and the ingress, which has no database, gets no credentials at all.
     */
    @Test
    void eachServiceConnectsAsItsOwnRoleWhichOwnsItsSchemaAlone() {
        Map<String, String> schemas = new HashMap<>();
        for (ServiceProcess.Definition service : ServiceProcess.ALL) {
            Map<String, Object> application =
                    yaml(ROOT.resolve(service.name() + "/src/main/resources/application.yml"))
                            .get(0);
            Object schema = at(application, "spring", "flyway");
            @SuppressWarnings("unchecked")
            Map<String, Object> composeEnvironment =
                    (Map<String, Object>) composeService(service.name()).get("environment");
            Map<String, String> k8sEnvironment = k8sEnv(k8sContainer(service.name()));
            if (schema == null) {
                assertThat(variablesReadBy(service.name()))
                        .noneMatch(n -> n.startsWith("DATABASE_"));
                assertThat(composeEnvironment.keySet())
                        .as("compose " + service.name())
                        .noneMatch(n -> n.startsWith("DATABASE_"));
                assertThat(k8sEnvironment.keySet())
                        .as("k8s " + service.name())
                        .noneMatch(n -> n.startsWith("DATABASE_"));
                continue;
            }
            String role = String.valueOf(at(application, "spring", "flyway", "schemas"));
            assertThat(at(application, "spring", "datasource", "hikari", "schema")).isEqualTo(role);
            schemas.put(service.name(), role);

            assertThat(composeEnvironment.get("DATABASE_USER"))
                    .as("compose " + service.name())
                    .isEqualTo(role);
            assertThat(String.valueOf(composeEnvironment.get("DATABASE_PASSWORD")))
                    .as("compose " + service.name())
                    .startsWith("${" + role.toUpperCase() + "_DATABASE_PASSWORD:");
            assertThat(k8sEnvironment.get("DATABASE_USER"))
                    .as("k8s " + service.name())
                    .isEqualTo(role);
        }
        assertThat(new TreeSet<>(schemas.values()))
                .as("one role per service")
                .hasSize(schemas.size());

        // The roles script makes exactly these roles, each owning its schema.
        String script = read(ROOT.resolve("deploy/k8s/database/service-roles.sql"));
        Matcher roles = Pattern.compile("ARRAY\\[([^\\]]*)\\]").matcher(script);
        assertThat(roles.find()).as("the roles script's list of roles").isTrue();
        assertThat(roles.group(1).replaceAll("[' ]", "").split(","))
                .containsExactlyInAnyOrderElementsOf(schemas.values());
        assertThat(script)
                .contains("CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, service")
                .contains("REVOKE ALL ON SCHEMA public FROM PUBLIC")
                .contains("REVOKE ALL ON DATABASE %I FROM PUBLIC");

        // Compose's PostgreSQL runs it with each service's password; so does the k8s Job, taking
        // each from that service's Secret.
        @SuppressWarnings("unchecked")
        Map<String, Object> postgres =
                (Map<String, Object>)
                        at(
                                yaml(ROOT.resolve("deploy/compose/compose.yaml")).get(0),
                                "services",
                                "postgres",
                                "environment");
        String init = read(ROOT.resolve("deploy/compose/postgres-init.sh"));
        assertThat(
                        String.valueOf(
                                at(
                                        yaml(ROOT.resolve("deploy/compose/compose.yaml")).get(0),
                                        "services",
                                        "postgres",
                                        "volumes")))
                .contains("postgres-init.sh:/docker-entrypoint-initdb.d/")
                .contains("../k8s/database/service-roles.sql:/service-roles.sql");
        Map<String, Object> job = k8s("database-roles", "Job");
        @SuppressWarnings("unchecked")
        Map<String, Object> psql =
                (Map<String, Object>) at(job, "spec", "template", "spec", "containers", 0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jobEnv = (List<Map<String, Object>>) psql.get("env");
        List<String> jobCommand =
                ((List<?>) psql.get("command")).stream().map(String::valueOf).toList();
        schemas.forEach(
                (service, role) -> {
                    String variable = role.toUpperCase() + "_DATABASE_PASSWORD";
                    assertThat(String.valueOf(composeEnvironment(service).get("DATABASE_PASSWORD")))
                            .isEqualTo(String.valueOf(postgres.get(variable)));
                    assertThat(init).contains("-v " + role + "_password=\"$" + variable + "\"");
                    assertThat(jobCommand).contains(role + "_password=$(" + variable + ")");
                    assertThat(jobEnv)
                            .anySatisfy(
                                    e -> {
                                        assertThat(e.get("name")).isEqualTo(variable);
                                        assertThat(at(e, "valueFrom", "secretKeyRef", "name"))
                                                .isEqualTo(service + "-secrets");
                                        assertThat(at(e, "valueFrom", "secretKeyRef", "key"))
                                                .isEqualTo("DATABASE_PASSWORD");
                                    });
                });
        assertThat(kustomizationResources()).contains("database-roles.yaml");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> composeEnvironment(String service) {
        return (Map<String, Object>) composeService(service).get("environment");
    }

    @Test
    void kafkaListensOnlyWithTlsAndScramAndAuthorizesEveryRequest() {
        Map<String, Object> kafka = k8sDocument("kafka-cluster", "Kafka");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listeners =
                (List<Map<String, Object>>) at(kafka, "spec", "kafka", "listeners");
        assertThat(listeners)
                .isNotEmpty()
                .allSatisfy(
                        listener -> {
                            assertThat(listener.get("tls")).isEqualTo(true);
                            assertThat(at(listener, "authentication", "type"))
                                    .isEqualTo("scram-sha-512");
                        });
        assertThat(at(kafka, "spec", "kafka", "authorization", "type")).isEqualTo("simple");
        assertThat(configMapValue("KAFKA_BOOTSTRAP_SERVERS"))
                .endsWith(":" + listeners.get(0).get("port"));
    }

    /** Each KafkaUser may write what its service produces and read what it consumes, no more. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void eachServicesKafkaUserMayDoExactlyWhatTheServiceDoes(ServiceProcess.Definition service) {
        KafkaUse use = KAFKA_USE.get(service.name());
        Set<String> expected = new TreeSet<>();
        for (Topic<?> topic : use.produces()) {
            expected.add("topic " + topic.name() + " literal Write");
            expected.add("topic " + topic.name() + " literal Describe");
        }
        for (Topic<?> topic : use.consumes()) {
            expected.add("topic " + topic.name() + " literal Read");
            expected.add("topic " + topic.name() + " literal Describe");
            expected.add("topic " + topic.deadLetterTopic() + " literal Write");
            expected.add("topic " + topic.deadLetterTopic() + " literal Describe");
        }
        if (use.group() != null) {
            expected.add("group " + use.group() + " literal Read");
        }
        if (use.transactions() != null) {
            expected.add("transactionalId " + use.transactions() + " prefix Write");
            expected.add("transactionalId " + use.transactions() + " prefix Describe");
        }
        Map<String, Object> user =
                yaml(ROOT.resolve("deploy/k8s/kafka-users.yaml")).stream()
                        .filter(d -> d != null && "KafkaUser".equals(d.get("kind")))
                        .filter(d -> service.name().equals(at(d, "metadata", "name")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no KafkaUser " + service.name()));
        assertThat(at(user, "spec", "authentication", "type")).isEqualTo("scram-sha-512");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> acls =
                (List<Map<String, Object>>) at(user, "spec", "authorization", "acls");
        Set<String> granted = new TreeSet<>();
        for (Map<String, Object> acl : acls) {
            @SuppressWarnings("unchecked")
            List<String> operations = (List<String>) acl.get("operations");
            for (String operation : operations) {
                granted.add(
                        at(acl, "resource", "type")
                                + " "
                                + at(acl, "resource", "name")
                                + " "
                                + at(acl, "resource", "patternType")
                                + " "
                                + operation);
            }
        }
        assertThat(granted).isEqualTo(expected);

        Map<String, String> jaas = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> env =
                (List<Map<String, Object>>) k8sContainer(service.name()).get("env");
        for (Map<String, Object> variable : env) {
            if ("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG".equals(variable.get("name"))) {
                jaas.put("secret", (String) at(variable, "valueFrom", "secretKeyRef", "name"));
            }
        }
        assertThat(jaas).containsEntry("secret", service.name());
    }

    /** Only the webhook ingress, the dashboard and the checkout are reachable from outside. */
    @Test
    void networkPoliciesCloseTheNamespaceButForThePublicServices() {
        List<Map<String, Object>> policies =
                yaml(ROOT.resolve("deploy/k8s/network-policies.yaml")).stream()
                        .filter(d -> d != null && "NetworkPolicy".equals(d.get("kind")))
                        .toList();
        assertThat(policies)
                .anySatisfy(
                        policy -> {
                            assertThat(at(policy, "spec", "podSelector")).isEqualTo(Map.of());
                            assertThat(at(policy, "spec", "ingress")).isNull();
                        });
        Map<String, Object> publicHttp =
                policies.stream()
                        .filter(p -> "public-http".equals(at(p, "metadata", "name")))
                        .findFirst()
                        .orElseThrow();
        @SuppressWarnings("unchecked")
        List<Object> exposed =
                (List<Object>)
                        at(publicHttp, "spec", "podSelector", "matchExpressions", 0, "values");
        assertThat(exposed)
                .containsExactlyInAnyOrder(
                        "webhook-ingress-service",
                        "dashboard-api-service",
                        "subscription-service",
                        "notification-service");
        for (Map<String, Object> policy : policies) {
            if (at(policy, "spec", "ingress") != null) {
                assertThat(at(policy, "spec", "ingress", 0, "from", 0, "ipBlock"))
                        .as("no policy opens to arbitrary addresses")
                        .isNull();
            }
        }
    }

    /**
     * From outside, only the contract's public paths are routed: policies cannot tell paths apart,
     * so the Ingress is what keeps, say, subscription-service's other paths unreachable. Every
     * routed service is one the public-http policy opens, and every service it opens is routed.
     */
    @Test
    void theIngressRoutesOnlyTheContractsPublicPaths() {
        Map<String, Object> ingress = k8s("ingress", "Ingress");
        Set<String> routes = new TreeSet<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) at(ingress, "spec", "rules");
        for (Map<String, Object> rule : rules) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> paths = (List<Map<String, Object>>) at(rule, "http", "paths");
            for (Map<String, Object> path : paths) {
                assertThat(at(path, "backend", "service", "port", "name")).isEqualTo("http");
                routes.add(
                        String.valueOf(rule.get("host"))
                                + path.get("path")
                                + " "
                                + path.get("pathType")
                                + " -> "
                                + at(path, "backend", "service", "name"));
            }
        }
        String app = configMapValue("FRONTEND_URL").replaceFirst("^https://", "");
        String api = configMapValue("SUBSCRIPTION_SERVICE_URL").replaceFirst("^https://", "");
        String notifications = configMapValue("PUBLIC_BASE_URL").replaceFirst("^https://", "");
        assertThat(routes)
                .containsExactlyInAnyOrder(
                        app + "/ Prefix -> dashboard-api-service",
                        api + "/api/subscription/webhook Exact -> webhook-ingress-service",
                        api + "/api/subscription/checkout Prefix -> subscription-service",
                        api + "/api/subscription/portal Exact -> subscription-service",
                        notifications + "/unsubscribe Prefix -> notification-service");

        Set<String> routed = new TreeSet<>();
        routes.forEach(route -> routed.add(route.substring(route.indexOf("-> ") + 3)));
        Map<String, Object> publicHttp =
                yaml(ROOT.resolve("deploy/k8s/network-policies.yaml")).stream()
                        .filter(d -> d != null && "public-http".equals(at(d, "metadata", "name")))
                        .findFirst()
                        .orElseThrow();
        @SuppressWarnings("unchecked")
        List<Object> opened =
                (List<Object>)
                        at(publicHttp, "spec", "podSelector", "matchExpressions", 0, "values");
        assertThat(routed)
                .containsExactlyInAnyOrderElementsOf(opened.stream().map(String::valueOf).toList());
        assertThat(kustomizationResources()).contains("ingress.yaml");
    }

    @Test
    void gitIgnoresTheComposeSecretsFile() throws Exception {
        Process git =
                new ProcessBuilder("git", "check-ignore", "-q", "deploy/compose/.env")
                        .directory(ROOT.toFile())
                        .start();
        assertThat(git.waitFor()).as("git check-ignore deploy/compose/.env").isZero();
        assertThat(Files.readString(ROOT.resolve("deploy/compose/compose.yaml")))
                .contains("deploy/compose/.env");
    }

    @Test
    void strimziTopicsMatchTheCatalogue() {
        Map<String, Map<String, Object>> byName = new HashMap<>();
        for (Map<String, Object> document : yaml(ROOT.resolve("deploy/k8s/kafka-topics.yaml"))) {
            if (document != null && "KafkaTopic".equals(document.get("kind"))) {
                byName.put((String) at(document, "spec", "topicName"), document);
            }
        }
        List<String> expected = new ArrayList<>();
        for (Topic<?> topic : Topics.all()) {
            expected.add(topic.name());
            expected.add(topic.deadLetterTopic());
            assertTopic(byName.get(topic.name()), topic.partitions(), topic.configs());
            assertTopic(
                    byName.get(topic.deadLetterTopic()),
                    topic.partitions(),
                    topic.deadLetterConfigs());
        }
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static void assertTopic(
            Map<String, Object> resource, int partitions, Map<String, String> configs) {
        assertThat(resource).isNotNull();
        assertThat(at(resource, "spec", "partitions")).isEqualTo(partitions);
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) at(resource, "spec", "config");
        configs.forEach(
                (key, value) ->
                        assertThat(String.valueOf(config.get(key))).as(key).isEqualTo(value));
    }

    /**
     * Environment variables the service's code and configuration read through placeholders;
     * platform's database and user JWT settings only where the service has a database or users.
     */
    static Set<String> variablesReadBy(String module) {
        Set<String> names = new TreeSet<>(readThroughPlaceholders(module));
        String pom = read(ROOT.resolve(module + "/pom.xml"));
        if (!pom.contains("<artifactId>postgresql</artifactId>")) {
            names.removeIf(name -> name.startsWith("DATABASE_"));
        }
        // User JWTs need the JOSE decoder (the starter brings it); the service-token APIs use the
        // resource server's opaque-token support alone and read no AUTH_JWT_*.
        if (!pom.contains("spring-boot-starter-security-oauth2-resource-server")
                && !pom.contains("spring-security-oauth2-jose")) {
            names.removeIf(name -> name.startsWith("AUTH_JWT_"));
        }
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> kustomizationResources() {
        return (List<String>)
                yaml(ROOT.resolve("deploy/k8s/kustomization.yaml")).get(0).get("resources");
    }

    private static Set<String> readThroughPlaceholders(String module) {
        Set<String> names = new TreeSet<>();
        for (Path source :
                List.of(ROOT.resolve(module + "/src/main"), ROOT.resolve("platform/src/main"))) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file :
                        files.filter(
                                        f ->
                                                f.toString().endsWith(".java")
                                                        || f.toString().endsWith(".yml"))
                                .toList()) {
                    Matcher matcher = PLACEHOLDER.matcher(Files.readString(file));
                    while (matcher.find()) {
                        names.add(matcher.group(1));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> composeService(String name) {
        Map<String, Object> compose = yaml(ROOT.resolve("deploy/compose/compose.yaml")).get(0);
        return (Map<String, Object>) at(compose, "services", name);
    }

    private static Map<String, Object> k8s(String file, String kind) {
        return yaml(ROOT.resolve("deploy/k8s/" + file + ".yaml")).stream()
                .filter(document -> document != null && kind.equals(document.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + file + ".yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> k8sContainer(String name) {
        return (Map<String, Object>)
                at(k8s(name, "Deployment"), "spec", "template", "spec", "containers", 0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> k8sEnv(Map<String, Object> container) {
        List<Map<String, Object>> env =
                (List<Map<String, Object>>) container.getOrDefault("env", List.of());
        return env.stream()
                .collect(
                        Collectors.toMap(
                                e -> (String) e.get("name"), e -> String.valueOf(e.get("value"))));
    }

    private static Map<String, Object> k8sDocument(String file, String kind) {
        return k8s(file, kind);
    }

    @SuppressWarnings("unchecked")
    private static String configMapValue(String key) {
        for (Map<String, Object> document : yaml(ROOT.resolve("deploy/k8s/config.yaml"))) {
            if (document != null && "ConfigMap".equals(document.get("kind"))) {
                return String.valueOf(((Map<String, Object>) document.get("data")).get(key));
            }
        }
        throw new AssertionError("no ConfigMap");
    }

    @SuppressWarnings("unchecked")
    private static Set<String> configMapKeys() {
        Set<String> keys = new TreeSet<>();
        for (Map<String, Object> document : yaml(ROOT.resolve("deploy/k8s/config.yaml"))) {
            if ("ConfigMap".equals(document.get("kind"))) {
                keys.addAll(((Map<String, Object>) document.get("data")).keySet());
            }
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Map<String, Object>> documents = new ArrayList<>();
            new Yaml(options)
                    .loadAll(reader)
                    .forEach(document -> documents.add((Map<String, Object>) document));
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            assertThat(current).as("path %s", List.of(path)).isNotNull();
            current =
                    step instanceof Integer index
                            ? ((List<Object>) current).get(index)
                            : ((Map<String, Object>) current).get(step);
        }
        return current;
    }
}
