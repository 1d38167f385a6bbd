package io.tokenmeter.ingress.webhook;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The ingress core is plain Java: Spring, Kafka, Stripe, Jackson and Micrometer stay in adapters.
 */
class DependencyRuleTests {

    private final JavaClasses classes =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("io.tokenmeter.ingress");

    @Test
    void theCoreImportsNoFramework() {
        noClasses()
                .that()
                .resideInAPackage("io.tokenmeter.ingress.webhook")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "org.apache.kafka..",
                        "com.stripe..",
                        "tools.jackson..",
                        "com.fasterxml..",
                        "io.micrometer..",
                        "jakarta..",
                        "org.apache.avro..",
                        "io.tokenmeter.events..")
                .check(classes);
    }

    @Test
    void theCoreDoesNotKnowItsAdapters() {
        noClasses()
                .that()
                .resideInAPackage("io.tokenmeter.ingress.webhook")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.tokenmeter.ingress.webhook.web..",
                        "io.tokenmeter.ingress.webhook.kafka..",
                        "io.tokenmeter.ingress.webhook.stripe..",
                        "io.tokenmeter.ingress.webhook.json..",
                        "io.tokenmeter.ingress.webhook.config..")
                .check(classes);
    }
}
