package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * aclfile against redis-server 7.0.15, both servers reading the same file: ACL LOAD of good and
 * broken files (all or nothing, the error naming each bad line exactly), ACL SAVE output, and the
 * start-up refusals (users in redis.conf plus an aclfile; a broken aclfile).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclFileDifferentialTest {
    private Path dir;
    private Path file;
    private RedisProcess redis;
    private ServerFixture node;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        dir = Files.createTempDirectory("aclfile");
        file = dir.resolve("users.acl");
        Files.writeString(file, "user default on nopass ~* &* +@all\nuser alice on >pw ~a* +get\n");
        redis = RedisProcess.start("--aclfile", file.toString());
        node = ServerFixture.start("--aclfile", file.toString());
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private String same(String... cmd) {
        try (RespClient r = redis.client(); RespClient o = node.client()) {
            String a = io.redmesh.node.command.family.AclDifferentialTestAccess.normalize(
                    new String(r.call(cmd), StandardCharsets.ISO_8859_1));
            String b = io.redmesh.node.command.family.AclDifferentialTestAccess.normalize(
                    new String(o.call(cmd), StandardCharsets.ISO_8859_1));
            assertEquals(a, b, () -> "reply to " + Arrays.toString(cmd));
            return b;
        }
    }

    @Test
    void loadGoodAndBadFiles() throws Exception {
        same("ACL", "LIST");
        Files.writeString(file, "user alice on >pw2 ~b* (+set ~c*) +@hash\n\n   \nuser bob off\nuser zed on nopass\n");
        same("ACL", "LOAD");
        String good = same("ACL", "LIST");
        assertTrue(good.contains("user default on nopass ~* &* +@all"), "default re-created when absent");
        for (String bad : new String[] {
            "user alice on\nfoo bar\n",
            "user alice on\nuser alice off\n",
            "user a +nosuch ~x bogus\nuser b #abc\n",
            "user c (+get ~x\n",
            "user\n",
            "# a comment\n",
            "user d on allkeys ~x allchannels &y\n",
            "user e <nope\n",
            "user default off\nuser f \"quoted\" on\nuser g on +select|\n",
        }) {
            Files.writeString(file, bad);
            same("ACL", "LOAD");
            assertEquals(good, same("ACL", "LIST"), "a bad file changes nothing: " + bad);
        }
        Files.delete(file);
        same("ACL", "LOAD");
        Files.writeString(file, "user default on nopass ~* &* +@all\n");
        same("ACL", "LOAD");
        same("ACL", "LIST");
    }

    @Test
    void saveWritesEveryUsersLine() throws Exception {
        same("ACL", "SETUSER", "saved", "on", ">pw", "%R~r*", "&ch", "-@all", "+@read", "+set", "(+get ~x)");
        try (RespClient r = redis.client()) {
            assertEquals("+OK\r\n", new String(r.call("ACL", "SAVE"), StandardCharsets.ISO_8859_1));
        }
        String theirs = Files.readString(file);
        try (RespClient o = node.client()) {
            assertEquals("+OK\r\n", new String(o.call("ACL", "SAVE"), StandardCharsets.ISO_8859_1));
        }
        String ours = Files.readString(file);
        assertEquals(io.redmesh.node.command.family.AclDifferentialTestAccess.normalize(theirs.replace("\n", "\r\n")),
                io.redmesh.node.command.family.AclDifferentialTestAccess.normalize(ours.replace("\n", "\r\n")));
        same("ACL", "LOAD");
        same("ACL", "LIST");
    }

    @Test
    void startupRefusals() throws Exception {
        Path f = dir.resolve("startup.acl");
        Files.writeString(f, "user x on nopass +@all ~*\n");
        IllegalStateException both = assertThrows(IllegalStateException.class,
                () -> ServerFixture.start("--aclfile", f.toString(), "--user", "y", "on"));
        assertTrue(both.getMessage().startsWith("Configuring Redis with users defined in redis.conf and at the same "
                + "setting an ACL file path is invalid."), both.getMessage());
        Files.writeString(f, "user x on nopass +nosuch\n");
        IllegalStateException broken = assertThrows(IllegalStateException.class,
                () -> ServerFixture.start("--aclfile", f.toString()));
        assertEquals("Aborting Redis startup because of ACL errors: " + f + ":1: Error in applying operation '+nosuch': Unknown command or category name in "
                + "ACL. WARNING: ACL errors detected, no change to the previously active ACL rules was performed",
                broken.getMessage());
        // Bad rules in a "user" line are a FATAL CONFIG FILE ERROR at that line, as in Redis
        // (whose report names the word left of the culprit; ConfigFileCompatTest compares it).
        IllegalArgumentException rule = assertThrows(IllegalArgumentException.class,
                () -> ServerFixture.start("--user", "y", "on", "bogus"));
        assertTrue(rule.getMessage().contains("Error in user declaration 'y': Syntax error"), rule.getMessage());
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> ServerFixture.start("--user", "y", "on", "<secretpw"));
        assertTrue(secret.getMessage().contains("Error in user declaration 'y': The password you are trying to "
                + "remove from the user does not exist"), secret.getMessage());
    }
}
