package io.tokenmeter.testsupport.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one shape every service has, as rules (STYLE.md): each service {@code
 * io.tokenmeter.<service>} is made of features, {@code io.tokenmeter.<service>.<feature>}, whose
 * core is plain Java — it depends only on the JDK, on its service's feature cores and on the shared
 * {@code io.tokenmeter.schemas.Tier} — and whose adapters live below it ({@code <feature>.kafka},
 * {@code .jdbc}, {@code .web}, ...). Service-wide packages named {@link #SERVICE_WIDE} hold wiring
 * and cross-cutting adapters, not features. A service applies them all with
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "io.tokenmeter.metering", importOptions = DoNotIncludeTests.class)
 * class ArchitectureTests {
 *     @ArchTest static final ArchTests shape = ArchTests.in(ServiceShape.class);
 * }
 * }</pre>
 */
public final class ServiceShape {

    /** Packages directly below a service that are not features. */
    public static final Set<String> SERVICE_WIDE = Set.of("config", "kafka", "security", "web");

    /** Where a feature core may reach outside the JDK and its own service's cores. */
    public static final Set<String> SHARED_CORE_TYPES = Set.of("io.tokenmeter.schemas.Tier");

    /** Adapter packages of a feature (what a core must never depend on). */
    static final Set<String> ADAPTERS =
            Set.of("config", "file", "jdbc", "jpa", "json", "kafka", "metrics", "stripe", "web");

    private static final Pattern CORE_PACKAGE =
            Pattern.compile("io\\.tokenmeter\\.(\\w+)\\.(\\w+)");

    private ServiceShape() {}

    /** A class of a feature core: {@code io.tokenmeter.<service>.<feature>}, not service-wide. */
    static final DescribedPredicate<JavaClass> FEATURE_CORE =
            DescribedPredicate.describe(
                    "reside in a feature core (io.tokenmeter.<service>.<feature>)",
                    ServiceShape::isCore);

    static boolean isCore(JavaClass javaClass) {
        var matcher = CORE_PACKAGE.matcher(javaClass.getPackageName());
        return matcher.matches() && !SERVICE_WIDE.contains(matcher.group(2));
    }

    @ArchTest
    public static final ArchRule featureCoresArePlainJava =
            classes()
                    .that(FEATURE_CORE)
                    .should(dependOnlyOnTheJdkTheSharedTypesAndTheirServicesCores())
                    .because(
                            "a feature's core is plain Java; Spring, Kafka, SQL and HTTP stay in"
                                    + " its adapters (STYLE.md)");

    @ArchTest
    public static final ArchRule wiringLivesInTheConfigPackage =
            classes()
                    .that()
                    .areAnnotatedWith("org.springframework.context.annotation.Configuration")
                    .or()
                    .areAnnotatedWith(
                            "org.springframework.boot.context.properties.ConfigurationProperties")
                    .should()
                    .resideInAnyPackage(
                            "io.tokenmeter.*.config",
                            // a service-wide filter chain, and an adapter's wiring of its own
                            // package-private parts (a listener container, a mail sender)
                            "io.tokenmeter.*.security",
                            "io.tokenmeter.*.*.*..")
                    .because(
                            "one config package per service builds the cores with @Bean methods;"
                                    + " never in a feature core or the service's root");

    @ArchTest
    public static final ArchRule adaptersOfOneTechnologyDoNotUseAnothers =
            noClasses()
                    .that()
                    .resideInAnyPackage("io.tokenmeter.*.*.web..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.tokenmeter.*.*.jdbc..",
                            "io.tokenmeter.*.*.jpa..",
                            "io.tokenmeter.*.*.kafka..")
                    .because("a web adapter calls the core, which reaches storage and Kafka");

    @ArchTest
    public static final ArchRule listenersDoNotReachStorageDirectly =
            noClasses()
                    .that()
                    .resideInAnyPackage("io.tokenmeter.*.*.kafka..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            "io.tokenmeter.*.*.jdbc..",
                            "io.tokenmeter.*.*.jpa..",
                            "io.tokenmeter.*.*.web..")
                    .because("a listener maps a record to a core type and makes one core call");

    private static ArchCondition<JavaClass>
            dependOnlyOnTheJdkTheSharedTypesAndTheirServicesCores() {
        return new ArchCondition<>(
                "depend only on the JDK, " + SHARED_CORE_TYPES + " and their service's cores") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                String service = serviceOf(origin);
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    if (!allowed(service, target)) {
                        events.add(
                                SimpleConditionEvent.violated(
                                        dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean allowed(String service, JavaClass target) {
        String pkg = target.getPackageName();
        return target.isPrimitive()
                || pkg.startsWith("java.")
                // the JDK's cryptography (signatures of links); not javax.sql, which is storage
                || pkg.startsWith("javax.crypto")
                || SHARED_CORE_TYPES.contains(target.getName())
                || isCore(target) && service.equals(serviceOf(target));
    }

    private static String serviceOf(JavaClass javaClass) {
        var matcher = CORE_PACKAGE.matcher(javaClass.getPackageName());
        return matcher.matches() ? matcher.group(1) : "";
    }
}
