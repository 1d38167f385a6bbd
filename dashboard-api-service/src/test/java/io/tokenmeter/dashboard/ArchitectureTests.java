package io.tokenmeter.dashboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The feature cores are plain Java: adapters depend on them, never the other way round. */
@AnalyzeClasses(
        packages = "io.tokenmeter.dashboard",
        importOptions = {ImportOption.DoNotIncludeTests.class, ImportOption.DoNotIncludeJars.class})
class ArchitectureTests {

    @ArchTest
    static final ArchRule coresUseNoFramework =
            noClasses()
                    .that()
                    .resideInAnyPackage(
                            "io.tokenmeter.dashboard.status", "io.tokenmeter.dashboard.sessions")
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
                            "com.github.benmanes..");

    @ArchTest
    static final ArchRule coresDoNotKnowTheirAdapters =
            noClasses()
                    .that()
                    .resideInAnyPackage(
                            "io.tokenmeter.dashboard.status", "io.tokenmeter.dashboard.sessions")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage("..kafka..", "..jdbc..", "..web..");
}
