package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.family.Families;
import io.redmesh.node.util.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command table: loaded from Redis's metadata, bound by name, keys found from key specs. */
class CommandTableTest {
    private static final CommandTable TABLE = CommandTable.load(Families.all(() -> {}, new io.redmesh.node.command.family.AclCommands()));

    private static int[] keys(String... argv) {
        byte[][] a = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            a[i] = Bytes.of(argv[i]);
        }
        CommandSpec s = TABLE.get(argv[0].toLowerCase());
        if (s.isContainer()) {
            s = s.subcommand(argv[1].toLowerCase());
        }
        KeyExtractor.Keys k = KeyExtractor.keys(s, a, a.length);
        int[] out = new int[k.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = k.position(i);
        }
        return out;
    }

    @Test
    void everyBoundCommandCarriesRedisMetadata() {
        CommandSpec set = TABLE.get("set");
        assertEquals(-3, set.arity);
        assertTrue(set.has(CommandFlag.WRITE) && set.has(CommandFlag.DENYOOM));
        assertTrue(set.inCategory(AclCategory.STRING) && set.inCategory(AclCategory.SLOW));
        assertEquals(1, set.keySpecs.size());
        CommandSpec get = TABLE.get("get");
        assertTrue(get.has(CommandFlag.READONLY) && get.has(CommandFlag.FAST));
        for (CommandSpec s : TABLE.all()) {
            assertTrue(s.handler() != null || s.isContainer(), s.fullName + " is bound");
            assertTrue(s.arity != 0, s.fullName + " has an arity");
        }
    }

    @Test
    void containersResolveSubcommandsAndUnboundCommandsAreAbsent() {
        CommandSpec config = TABLE.get("config");
        assertTrue(config.isContainer());
        assertEquals("config|get", config.subcommand("get").fullName);
        assertEquals(config, config.subcommand("get").parent);
        assertNotNull(TABLE.find("CLIENT|SETINFO"), "RedMesh's additions load from commands-extra.json");
        assertNull(TABLE.get("nosuch"));
        assertNull(TABLE.find("nosuch|thing"));
    }

    @Test
    void bindingAnUndeclaredNameFailsLoudly() {
        CommandFamily bogus = b -> b.bind("no-such-command", c -> {});
        assertThrows(IllegalArgumentException.class, () -> CommandTable.load(List.of(bogus)));
    }

    @Test
    void keyPositionsComeFromKeySpecs() {
        assertArrayEquals(new int[] {1}, keys("GET", "k"));
        assertArrayEquals(new int[] {1, 3, 5}, keys("MSET", "a", "1", "b", "2", "c", "3"));
        assertArrayEquals(new int[] {1, 2, 3}, keys("DEL", "a", "b", "c"));
        assertArrayEquals(new int[] {1, 2}, keys("RENAME", "a", "b"));
        assertArrayEquals(new int[] {}, keys("PING"));
        assertArrayEquals(new int[] {2}, keys("OBJECT", "ENCODING", "k"));
    }

    @Test
    void arityIsExactOrMinimum() {
        CommandSpec get = TABLE.get("get");
        assertTrue(get.arityOk(2));
        assertFalse(get.arityOk(3));
        CommandSpec del = TABLE.get("del");
        assertFalse(del.arityOk(1));
        assertTrue(del.arityOk(10));
    }
}
