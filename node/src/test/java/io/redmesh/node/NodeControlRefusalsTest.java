package io.redmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.RequestRefusedException;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What node/spi must refuse a module (or a remote peer whose data a module passes on) that a
 * client would be refused: the SPI is the seam upper modules plug into, so the checks of the
 * CONFIG/ACL paths hold there too.
 */
class NodeControlRefusalsTest {
    /**
     * ACL SETUSER refuses a name with a space or a line break because the name is written verbatim
     * into ACL LIST and into the aclfile ACL SAVE writes: a line break would plant a line of the
     * caller's choosing (an administrator) that the next ACL LOAD or restart reads back.
     */
    @Test
    void aUserNameAclSetuserRefusesIsRefusedThroughTheSpi(@TempDir Path dir) throws Exception {
        Path aclfile = Files.writeString(dir.resolve("users.acl"), "user default on nopass ~* &* +@all\n");
        ServerFixture node = ServerFixture.start("--aclfile", aclfile.toString());
        try {
            NodeControl control = node.server().control();
            for (String bad : List.of("x\nuser mallory on nopass ~* &* +@all\nuser y", "two words", "tab\there", "nul\0",
                    "")) {
                assertThrows(RequestRefusedException.class, () -> control.setUser(bad, "on nopass +ping"),
                        () -> "name " + bad.replace("\n", "\\n"));
                assertFalse(control.users().containsKey(bad), bad);
            }
            try (RespClient c = node.client()) {
                assertEquals("+OK\r\n", c.callString("ACL", "SAVE"));
                assertEquals("+OK\r\n", c.callString("ACL", "LOAD"));
                String users = c.callString("ACL", "USERS");
                assertFalse(users.contains("mallory"), users);
            }
            assertFalse(Files.readString(aclfile).contains("mallory"), Files.readString(aclfile));
            control.setUser("fine", "on nopass +ping"); // a valid name still applies
            assertTrue(control.users().containsKey("fine"));
        } finally {
            node.close();
        }
    }

    /**
     * A module binds only commands no part of the node implements: binding a built-in (AUTH,
     * CONFIG SET, ACL SETUSER ...) would silently replace its handler, and with it the checks
     * that handler makes. Redis refuses a module command whose name exists (RM_CreateCommand).
     */
    @Test
    void aModuleCannotShadowABuiltInCommand() {
        for (String builtIn : List.of("auth", "config|set", "acl|setuser", "get")) {
            ModuleCommands shadow = b -> b.bind(builtIn, call -> call.reply().ok());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Node.build(Node.newConfig(), List.of(shadow)).stop(), builtIn);
            assertTrue(e.getMessage().contains(builtIn), e.getMessage());
        }
        // nor may two modules bind the same command
        ModuleCommands one = b -> b.bind("wait", call -> call.reply().integer(0));
        assertThrows(IllegalArgumentException.class, () -> Node.build(Node.newConfig(), List.of(one, one)).stop());
    }

    /**
     * dir and dbfilename are protected (enable-protected-configs no by default): no client may set
     * them, whatever its ACL, since together they write a file of the caller's choosing (an
     * authorized_keys). A module is not a local client: CONFIG SET's refusal holds for it.
     */
    @Test
    void aProtectedDirectiveIsRefusedThroughTheSpiAsToAClient(@TempDir Path dir) throws Exception {
        ServerFixture node = ServerFixture.start();
        try {
            NodeControl control = node.server().control();
            String dbfilename = control.config("dbfilename");
            String dirNow = control.config("dir");
            RequestRefusedException e = assertThrows(RequestRefusedException.class,
                    () -> control.configSet("dir", dir.toString()));
            assertTrue(e.getMessage().contains("can't set protected config"), e.getMessage());
            assertThrows(RequestRefusedException.class, () -> control.configSet("dbfilename", "authorized_keys"));
            assertEquals(dbfilename, control.config("dbfilename"));
            assertEquals(dirNow, control.config("dir"));
            control.configSet("maxmemory-policy", "allkeys-lru"); // an ordinary directive still applies
            assertEquals("allkeys-lru", control.config("maxmemory-policy"));
        } finally {
            node.close();
        }
    }
}
