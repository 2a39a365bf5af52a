package io.redmesh.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/** rename-command hides or renames commands, as operators use it to fence off FLUSHALL/CONFIG. */
class RenameCommandTest {
    @Test
    void renamedAndDisabledCommands() {
        try (ServerFixture s = ServerFixture.start("--rename-command", "flushall", "",
                "--rename-command", "config", "secret-config");
             RespClient c = s.client()) {
            assertTrue(c.callString("FLUSHALL").startsWith("-ERR unknown command 'FLUSHALL'"));
            assertTrue(c.callString("CONFIG", "GET", "port").startsWith("-ERR unknown command 'CONFIG'"));
            assertTrue(c.callString("SECRET-CONFIG", "GET", "maxmemory").startsWith("*2\r\n$9\r\nmaxmemory\r\n"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void renamingAnUnknownCommandRefusesToStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServerFixture.start("--rename-command", "nosuchcommand", "x").close());
        assertTrue(e.getMessage().contains("No such command in rename-command"), e.getMessage());
    }
}
