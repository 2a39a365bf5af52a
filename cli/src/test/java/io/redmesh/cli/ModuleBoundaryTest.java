package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md's module graph, checked on the compiled classes of every module (cli's
 * test class path holds them all): modules other than node reach node only through
 * {@code io.redmesh.node.spi} and the composition root ({@code io.redmesh.node.Node}), and
 * node never reaches up into them. The exceptions are listed below, each with its reason; node's
 * own package graph is node's ArchitectureTest.
 */
class ModuleBoundaryTest {
    /** What any other module may use of node: the SPI and the composition root's package. */
    static boolean published(String pkg) {
        return pkg.equals("io.redmesh.node") || pkg.equals("io.redmesh.node.spi") || pkg.startsWith("io.redmesh.node.spi.");
    }

    /**
     * Main classes allowed more, by class name prefix -> node packages (prefixes) they may use.
     * The launcher is the only one: `redmesh rdb encrypt|decrypt|verify` works on the sealed file
     * format itself, and a sidecar agent (no node in the process) serves its metrics with node's
     * endpoint class.
     */
    static final Map<String, List<String>> MAIN_EXCEPTIONS = Map.of(
            "io.redmesh.cli.RdbCommand", List.of("io.redmesh.node.persist.seal"),
            "io.redmesh.cli.AgentRuntime", List.of("io.redmesh.node.metrics.MetricsEndpoint"));

    /**
     * What test code of other modules may use besides the published API: node's test-jar
     * (testing/: fixtures, certificates, clients; metrics.Scrape: reading an endpoint), and
     * nothing else.
     */
    static final List<String> TEST_ALLOWED = List.of("io.redmesh.node.testing", "io.redmesh.node.metrics.Scrape");

    private static final JavaClasses ALL = new ClassFileImporter().importPackages("io.redmesh");

    static boolean isTest(JavaClass c) {
        String where = c.getSource().map(s -> s.getUri().toString()).orElse("");
        return where.contains("/test-classes/") || where.contains("-tests.jar");
    }

    static boolean allowed(JavaClass from, String target) {
        if (published(packageOf(target))) {
            return true;
        }
        String name = from.getName();
        if (isTest(from)) {
            return TEST_ALLOWED.stream().anyMatch(target::startsWith);
        }
        for (Map.Entry<String, List<String>> e : MAIN_EXCEPTIONS.entrySet()) {
            if (name.equals(e.getKey()) || name.startsWith(e.getKey() + "$")) {
                return e.getValue().stream().anyMatch(target::startsWith);
            }
        }
        return false;
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    static final ArchCondition<JavaClass> USE_ONLY_PUBLISHED_NODE =
            new ArchCondition<>("use node only through node/spi and the composition root") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    for (Dependency d : c.getDirectDependenciesFromSelf()) {
                        String target = d.getTargetClass().getName();
                        if (target.startsWith("io.redmesh.node.") && !allowed(c, target)) {
                            events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                        }
                    }
                }
            };

    /**
     * The modules above node (io.redmesh.NAME), each held to the boundary rule;
     * {@link #everyModuleAboveNodeIsChecked} fails when a module is on the class path and not here.
     */
    static final List<String> UPPER_MODULES = List.of("agent", "cli", "replication", "cluster", "sentinel");

    private static String[] upperPackages() {
        return UPPER_MODULES.stream().map(m -> "io.redmesh." + m + "..").toArray(String[]::new);
    }

    static final ArchRule OTHER_MODULES_USE_ONLY_SPI = ArchRuleDefinition.classes()
            .that().resideInAnyPackage(upperPackages())
            .and().doNotHaveFullyQualifiedName(BoundaryProbe.class.getName())
            .should(USE_ONLY_PUBLISHED_NODE);

    /** The same rule over everything, the probe included. */
    static final ArchRule OTHER_MODULES_USE_ONLY_SPI_PROBE_INCLUDED = ArchRuleDefinition.classes()
            .that().resideInAnyPackage(upperPackages())
            .should(USE_ONLY_PUBLISHED_NODE);

    static final ArchRule NODE_KNOWS_NO_UPPER_MODULE = ArchRuleDefinition.noClasses()
            .that().resideInAPackage("io.redmesh.node..")
            .should().dependOnClassesThat().resideInAnyPackage(upperPackages());

    /**
     * Cluster mode drives replication only through what replication publishes for it in node/spi
     * (spi.cluster.ReplicationRole); its main code never names a replication class. Its tests
     * may: they run whole nodes wired as the launcher wires them.
     */
    static final ArchRule CLUSTER_KNOWS_NO_REPLICATION = ArchRuleDefinition.noClasses()
            .that().resideInAPackage("io.redmesh.cluster..")
            .and(com.tngtech.archunit.base.DescribedPredicate.describe("main code", c -> !isTest(c)))
            .should().dependOnClassesThat().resideInAnyPackage("io.redmesh.replication..", "io.redmesh.agent..");

    static final ArchRule REPLICATION_KNOWS_NO_CLUSTER = ArchRuleDefinition.noClasses()
            .that().resideInAPackage("io.redmesh.replication..")
            .should().dependOnClassesThat().resideInAnyPackage("io.redmesh.cluster..", "io.redmesh.agent..");

    /** sentinel depends on node only (spi and the composition root), not on replication or the agent. */
    static final ArchRule SENTINEL_KNOWS_ONLY_NODE = ArchRuleDefinition.noClasses()
            .that().resideInAPackage("io.redmesh.sentinel..")
            .and(com.tngtech.archunit.base.DescribedPredicate.describe("main code", c -> !isTest(c)))
            .should().dependOnClassesThat().resideInAnyPackage("io.redmesh.agent..", "io.redmesh.cli..",
                    "io.redmesh.replication..", "io.redmesh.cluster..");

    static final ArchRule MODULES_KNOW_NO_LAUNCHER = ArchRuleDefinition.noClasses()
            .that().resideInAnyPackage("io.redmesh.agent..", "io.redmesh.replication..", "io.redmesh.cluster..",
                    "io.redmesh.sentinel..")
            .should().dependOnClassesThat().resideInAPackage("io.redmesh.cli..");

    @Test
    void everyModuleIsOnTheClassPath() {
        Set<String> seen = new java.util.HashSet<>();
        for (JavaClass c : ALL) {
            String[] parts = c.getPackageName().split("\\.");
            if (parts.length > 2) {
                seen.add(parts[2] + (isTest(c) ? "-test" : ""));
            }
        }
        for (String m : List.of("node", "agent", "cli", "replication", "cluster", "sentinel", "node-test", "agent-test", "cli-test")) {
            assertTrue(seen.contains(m), "no " + m + " classes imported: " + seen);
        }
    }

    /**
     * Every module whose main classes are on the class path, node aside, is held to the boundary:
     * a module added later (replication, sentinel, cluster-bus) and not listed would reach into
     * node's internals unchecked.
     */
    @Test
    void everyModuleAboveNodeIsChecked() {
        Set<String> seen = new java.util.TreeSet<>();
        for (JavaClass c : ALL) {
            String[] parts = c.getPackageName().split("\\.");
            if (parts.length > 2 && !isTest(c) && !parts[2].equals("node")) {
                seen.add(parts[2]);
            }
        }
        assertEquals(new java.util.TreeSet<>(UPPER_MODULES), seen, "modules on the class path vs UPPER_MODULES");
    }

    @Test
    void otherModulesUseNodeOnlyThroughSpiAndTheCompositionRoot() {
        OTHER_MODULES_USE_ONLY_SPI.check(ALL);
    }

    @Test
    void arrowsBetweenModulesPointDown() {
        NODE_KNOWS_NO_UPPER_MODULE.check(ALL);
        MODULES_KNOW_NO_LAUNCHER.check(ALL);
        CLUSTER_KNOWS_NO_REPLICATION.check(ALL);
        REPLICATION_KNOWS_NO_CLUSTER.check(ALL);
        SENTINEL_KNOWS_ONLY_NODE.check(ALL);
    }

    /**
     * No process-wide mutable state in main code but the logging set-up: many nodes run in one
     * JVM (tests), so a static that is not final would be shared by all of them.
     */
    static final ArchRule NO_STATIC_MUTABLE_FIELDS = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields()
            .that().areStatic().and().areNotFinal()
            .and().areDeclaredInClassesThat().resideInAnyPackage("io.redmesh..")
            .and().areDeclaredInClassesThat().doNotHaveFullyQualifiedName("io.redmesh.node.util.ServerLog")
            .should().beDeclaredInClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe("main code",
                    c -> !isTest(c)))
            .because("process-wide mutable state is allowed only for logging (util.ServerLog)");

    @Test
    void noProcessWideMutableStateButLogging() {
        NO_STATIC_MUTABLE_FIELDS.check(ALL);
    }

    /** The static-state rule can fail: without its one exception, ServerLog's fields are reported. */
    @Test
    void theStaticStateRuleCatchesAMutableStatic() {
        ArchRule withoutException = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields()
                .that().areStatic().and().areNotFinal()
                .should().beDeclaredInClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe("main code",
                        c -> !isTest(c)));
        var result = withoutException.evaluate(ALL);
        assertTrue(result.hasViolation());
        assertTrue(result.getFailureReport().toString().contains("ServerLog"), result.getFailureReport().toString());
    }

    /** The boundary rule can fail: the probe below reaches into node internals. */
    @Test
    void theRuleCatchesAReachIntoNodeInternals() {
        JavaClasses probe = new ClassFileImporter().importClasses(BoundaryProbe.class);
        assertTrue(OTHER_MODULES_USE_ONLY_SPI_PROBE_INCLUDED.evaluate(probe).hasViolation());
    }

    /** Reaches past spi on purpose (a test class: only testing/ would be allowed). */
    static final class BoundaryProbe {
        int size(io.redmesh.node.command.CommandTable t) {
            return t.aclCommands().size();
        }
    }
}
