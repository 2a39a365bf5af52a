package io.redmesh.agent.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which refusals leave a rule out, and that nothing else is ever dropped: a node that lacks a
 * command holds the user without the rules naming it; any other refusal changes nothing.
 */
class AbsentCommandsTest {
    /** A node that knows every command but {@code lacking}, refusing as Redis words it. */
    private static AbsentCommands.Apply node(Set<String> lacking, List<String> applied, boolean redisWording) {
        return rules -> {
            for (String t : AbsentCommands.tokens(rules)) {
                boolean unknown = lacking.stream().anyMatch(c -> t.contains(c));
                if (unknown) {
                    throw new NodeAdapter.NodeException(redisWording
                            ? "ACL SETUSER o'brien on redis-server x failed: ERR Error in ACL SETUSER modifier '" + t
                                    + "': " + AbsentCommands.UNKNOWN
                            : "rule '" + t + "' refused: " + AbsentCommands.UNKNOWN);
                }
            }
            applied.add(rules);
        };
    }

    @Test
    void rulesNamingAbsentCommandsAreLeftOutAndRemembered() throws Exception {
        for (boolean redis : new boolean[] {true, false}) {
            AbsentCommands a = new AbsentCommands();
            List<String> applied = new ArrayList<>();
            a.apply("peer", "on #ab resetchannels &hello -@all +ping +sentinel|myid -sentinel|reset (~x +sentinel|myid +get)",
                    "test", node(Set.of("sentinel|"), applied, redis));
            assertEquals("on #ab resetchannels &hello -@all +ping", applied.get(applied.size() - 1));
            assertEquals(List.of("+sentinel|myid", "-sentinel|reset", "(~x +sentinel|myid +get)"), a.droppedFor("peer"));
            a.apply("peer", "on -@all +ping", "test", node(Set.of("sentinel|"), applied, redis));
            assertEquals(List.of(), a.droppedFor("peer"), "held whole again");
        }
    }

    @Test
    void otherRefusalsChangeNothing() {
        AbsentCommands a = new AbsentCommands();
        AbsentCommands.Apply refusesCategory = rules -> {
            throw new NodeAdapter.NodeException("rule '+@nosuch' refused: " + AbsentCommands.UNKNOWN);
        };
        assertThrows(NodeAdapter.NodeException.class, () -> a.apply("u", "on +@nosuch +get", "test", refusesCategory));
        AbsentCommands.Apply refusesSyntax = rules -> {
            throw new NodeAdapter.NodeException("rule 'bogus' refused: Syntax error");
        };
        assertThrows(NodeAdapter.NodeException.class, () -> a.apply("u", "on bogus", "test", refusesSyntax));
        // a refusal naming a rule the user does not have drops nothing
        AbsentCommands.Apply misnames = rules -> {
            throw new NodeAdapter.NodeException("rule '+other' refused: " + AbsentCommands.UNKNOWN);
        };
        assertThrows(NodeAdapter.NodeException.class, () -> a.apply("u", "on +get", "test", misnames));
        // a command no RedMesh role declares is a mistake, not a command another member has
        assertThrows(NodeAdapter.NodeException.class, () -> a.apply("u", "on +nosuchcommand +get", "test",
                node(Set.of("nosuchcommand"), new ArrayList<>(), true)));
        assertEquals(List.of(), a.droppedFor("u"));
    }

    @Test
    void theRuleIsReadFromEitherWording() {
        assertEquals("+client|setinfo", AbsentCommands.refusedCommandRule(
                "ACL SETUSER alice on redis-server 127.0.0.1:1 failed: ERR Error in ACL SETUSER modifier '+client|setinfo': "
                        + AbsentCommands.UNKNOWN));
        assertEquals("-sentinel|myid", AbsentCommands.refusedCommandRule("rule '-sentinel|myid' refused: " + AbsentCommands.UNKNOWN));
        assertNull(AbsentCommands.refusedCommandRule("rule '+@foo' refused: " + AbsentCommands.UNKNOWN));
        assertNull(AbsentCommands.refusedCommandRule("rule '~x' refused: Syntax error"));
        assertNull(AbsentCommands.refusedCommandRule(null));
    }
}
