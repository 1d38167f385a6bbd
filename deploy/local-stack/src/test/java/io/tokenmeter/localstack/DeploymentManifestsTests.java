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
            Set.of("SERVER_PORT", "JAVA_TOOL_OPTIONS", "LOGGING_STRUCTURED_FORMAT_CONSOLE");

    /** The contract's secrets: never in a ConfigMap nor in a file of the repository. */
    static final Set<String> SECRETS =
            Set.of(
                    "DATABASE_USER",
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
                assertThat(document.get("kind")).as(resource).isNotEqualTo("Secret");
            }
        }
        assertThat(configMapKeys()).doesNotContainAnyElementsOf(SECRETS);
    }

    /** Each service gets exactly the secrets it reads, from a Secret of its own. */
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
            if (secret != null) {
                assertThat(at(secret, "secretKeyRef", "name"))
                        .isEqualTo(service.name() + "-secrets");
                fromSecrets.add((String) variable.get("name"));
            }
        }
        assertThat(fromSecrets).isEqualTo(needed);
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
        if (!pom.contains("oauth2-resource-server")) {
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
