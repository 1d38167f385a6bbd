package io.tokenmeter.notification;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The feature cores are plain Java: adapters depend on them, never the other way round. */
@AnalyzeClasses(
        packages = "io.tokenmeter.notification",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTests {

    static final String[] CORES = {
        "io.tokenmeter.notification.alerts",
        "io.tokenmeter.notification.delivery",
        "io.tokenmeter.notification.contacts"
    };

    @ArchTest
    static final ArchRule coresUseNoFramework =
            noClasses()
                    .that()
                    .resideInAnyPackage(CORES)
                    .and()
                    .haveSimpleNameNotEndingWith("Configuration")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "org.springframework..",
                            "org.apache.kafka..",
                            "io.tokenmeter.events..",
                            "jakarta..",
                            "tools.jackson..",
                            "io.micrometer..");

    @ArchTest
    static final ArchRule coresDoNotKnowTheirAdapters =
            noClasses()
                    .that()
                    .resideInAnyPackage(CORES)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "..kafka..",
                            "..jdbc..",
                            "..web..",
                            "..mail..",
                            "..webhook..",
                            "..scheduling..");
}
