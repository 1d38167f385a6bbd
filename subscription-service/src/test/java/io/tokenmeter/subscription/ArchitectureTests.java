package io.tokenmeter.subscription;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.springframework.context.annotation.Configuration;

/** The subscription core is plain Java: adapters depend on it, never the reverse. */
@AnalyzeClasses(
        packages = "io.tokenmeter.subscription",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest
    static final ArchRule coreImportsOnlyJavaAndTheCore =
            classes()
                    .that()
                    .resideInAPackage("io.tokenmeter.subscription.state")
                    .and()
                    .areNotAnnotatedWith(Configuration.class)
                    .should()
                    .onlyDependOnClassesThat()
                    .resideInAnyPackage("java..", "io.tokenmeter.subscription.state");
}
