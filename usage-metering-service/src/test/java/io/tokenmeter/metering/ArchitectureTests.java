package io.tokenmeter.metering;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The metering core (usage, pricing, reservation) is plain Java: adapters depend on it, never the
 * reverse.
 */
@AnalyzeClasses(
        packages = "io.tokenmeter.metering",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule coreImportsOnlyJavaAndTheCore =
            classes()
                    .that()
                    .resideInAnyPackage(
                            "io.tokenmeter.metering.usage",
                            "io.tokenmeter.metering.pricing",
                            "io.tokenmeter.metering.reservation")
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage(
                            "java..",
                            "io.tokenmeter.metering.usage",
                            "io.tokenmeter.metering.pricing",
                            "io.tokenmeter.metering.reservation");
}
