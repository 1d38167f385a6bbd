package io.tokenmeter.notification;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import io.tokenmeter.testsupport.architecture.ServiceShape;

/** This service has the shape every service has ({@link ServiceShape}). */
@AnalyzeClasses(
        packages = "io.tokenmeter.notification",
        importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

    @ArchTest static final ArchTests shape = ArchTests.in(ServiceShape.class);
}
