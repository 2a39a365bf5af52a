package io.redmesh.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import io.redmesh.node.util.ArchitectureProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/ARCHITECTURE.md's package graph inside node/, checked on the compiled main classes:
 * arrows point down (a package depends only on its own layer and the layers below it) and no
 * two packages depend on each other, directly or round a longer loop. The module boundary
 * (other modules reach node only through node/spi and the composition root) is checked where
 * every module is on the class path: cli's ModuleBoundaryTest.
 */
class ArchitectureTest {
    /**
     * node/'s layers, top first: a class may depend on classes of its own layer and of layers
     * further down this list. Kept in step with the graph in docs/ARCHITECTURE.md.
     */
    static final List<String> LAYERS = List.of(
            "io.redmesh.node",                 // the composition root (Node, LocalNodeControl)
            "io.redmesh.node.server",          // listeners, connections, cron
            "io.redmesh.node.metrics",         // Prometheus endpoint, reads command/acl state
            "io.redmesh.node.persist",         // RDB, AOF, files, encryption at rest; its commands
            "io.redmesh.node.command.family",  // the command families
            "io.redmesh.node.acl",             // the ACL engine (command.AccessControl)
            "io.redmesh.node.command",         // table, dispatcher, sessions, hooks
            "io.redmesh.node.script",          // the Lua engine (EVAL), below the command layer
            "io.redmesh.node.tls",             // server TLS context
            "io.redmesh.node.resp",            // RESP decoder and reply writer
            "io.redmesh.node.db",              // keyspace, values, snapshots
            "io.redmesh.node.config",          // directives, CONFIG semantics
            "io.redmesh.node.spi",             // what upper modules plug in with
            "io.redmesh.node.util");           // bytes, numbers, glob, logging

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.redmesh.node");

    /** The layer of a package: the longest listed prefix; -1 outside node. */
    static int layer(String pkg) {
        int best = -1;
        int bestLength = -1;
        for (int i = 0; i < LAYERS.size(); i++) {
            String l = LAYERS.get(i);
            boolean inside = pkg.equals(l) || (!l.equals("io.redmesh.node") && pkg.startsWith(l + "."));
            if (inside && l.length() > bestLength) {
                best = i;
                bestLength = l.length();
            }
        }
        return best;
    }

    static final ArchCondition<JavaClass> DEPEND_ONLY_DOWNWARDS =
            new ArchCondition<>("depend only on their own layer and the layers below it") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                    int own = layer(c.getPackageName());
                    for (Dependency d : c.getDirectDependenciesFromSelf()) {
                        int target = layer(d.getTargetClass().getPackageName());
                        if (target >= 0 && own >= 0 && target < own) {
                            events.add(SimpleConditionEvent.violated(d, "upward: " + d.getDescription()));
                        }
                    }
                }
            };

    static final ArchRule ARROWS_POINT_DOWN = ArchRuleDefinition.classes()
            .that().resideInAPackage("io.redmesh.node..")
            .should(DEPEND_ONLY_DOWNWARDS);

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.redmesh.node.(**)")
            .should().beFreeOfCycles();

    @Test
    void everyPackageIsInALayer() {
        for (JavaClass c : MAIN) {
            assertTrue(layer(c.getPackageName()) >= 0, c.getName() + " is in no layer of ArchitectureTest.LAYERS");
        }
    }

    @Test
    void arrowsPointDown() {
        ARROWS_POINT_DOWN.check(MAIN);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(MAIN);
    }

    /** The rules can fail: a test class in util/ that reaches up into server/ is reported. */
    @Test
    void theRulesCatchAnUpwardImport() {
        JavaClasses probe = new ClassFileImporter().importClasses(ArchitectureProbe.class,
                io.redmesh.node.server.RedisServer.class);
        EvaluationResult r = ARROWS_POINT_DOWN.evaluate(probe);
        assertTrue(r.hasViolation());
        assertTrue(r.getFailureReport().toString().contains("ArchitectureProbe"), r.getFailureReport().toString());
        assertFalse(ARROWS_POINT_DOWN.evaluate(new ClassFileImporter().importClasses(
                io.redmesh.node.util.Bytes.class)).hasViolation());
    }
}
