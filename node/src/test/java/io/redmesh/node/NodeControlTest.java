package io.redmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.spi.InfoSection;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.RequestRefusedException;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.StartedNode;
import io.redmesh.node.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a module sees of a running node: spi.NodeControl, used as the agent uses it, against a real node. */
class NodeControlTest {
    @StartedNode
    static ServerFixture node;
    @GeneratedCertificates
    static TestCertificates certs;

    private static NodeControl control() {
        return node.server().control();
    }

    @Test
    void theWriteStreamCarriesExecutedWritesInOrderAndAUnitAsMultiExec() {
        List<String> seen = new ArrayList<>();
        ExecutedCommandListener l = (db, argv) -> {
            StringBuilder sb = new StringBuilder().append(db);
            for (byte[] a : argv) {
                sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
            }
            seen.add(sb.toString());
        };
        control().addWriteListener(l);
        try (RespClient c = node.client()) {
            c.call("SET", "a", "1");
            c.call("GET", "a"); // a read: not in the stream
            c.call("MULTI");
            c.call("INCR", "a");
            c.call("SELECT", "2");
            c.call("DEL", "nothing"); // deletes nothing: not a write
            c.call("SET", "b", "2");
            c.call("EXEC");
            c.call("SELECT", "0");
        } finally {
            control().removeWriteListener(l);
        }
        assertEquals(List.of("0 SET a 1", "0 MULTI", "0 INCR a", "2 SET b 2", "2 EXEC"), seen);
    }

    @Test
    void anInfoSectionNamedLikeABuiltInReplacesIt() {
        control().addInfoSection(new InfoSection() {
            @Override
            public String name() {
                return "replication";
            }

            @Override
            public String render() {
                return "role:slave\r\nmaster_host:127.0.0.1\r\n";
            }
        });
        try (RespClient c = node.client()) {
            String info = c.callString("INFO", "replication");
            assertTrue(info.contains("# Replication\r\nrole:slave\r\nmaster_host:127.0.0.1\r\n"), info);
            assertFalse(info.contains("role:master"), info);
            assertEquals(1, c.callString("INFO").split("# Replication").length - 1, "one replication section");
        }
    }

    @Test
    void aTaskUnderTheLockIsAtomicWithRespectToCommands() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                control().underLock(() -> {
                    inside.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        try (RespClient c = node.client()) {
            c.send(RespClient.encode(RespClient.args("SET", "locked", "x")));
            Thread.sleep(200);
            assertEquals(0, c.socket().getInputStream().available(), "a command waits while a module's task holds the lock");
            release.countDown();
            t.join(10_000);
            assertEquals("+OK\r\n", c.readReplyString());
        }
    }

    @Test
    void usersSetThroughTheSpiApplyWithoutEchoAndLocalChangesAreReported() throws Exception {
        List<String> reported = new ArrayList<>();
        io.redmesh.node.spi.AclChangeListener l = (user, rules, actor) -> reported.add(user + "=" + rules);
        control().addAclListener(l);
        try {
            control().setUser("mesh-user", "on >pw ~k:* +get");
            assertTrue(control().users().get("mesh-user").startsWith("on "), control().users().toString());
            assertTrue(reported.isEmpty(), "no echo of what the mesh applied: " + reported);
            try (RespClient c = node.client()) {
                assertEquals("+OK\r\n", c.callString("AUTH", "mesh-user", "pw"));
            }
            try (RespClient c = node.client()) {
                assertEquals("+OK\r\n", c.callString("ACL", "SETUSER", "local-user", "on", "nopass", "+ping"));
            }
            assertEquals(1, reported.size(), reported.toString());
            assertTrue(reported.get(0).startsWith("local-user=on "), reported.toString());
            RequestRefusedException e = assertThrows(RequestRefusedException.class,
                    () -> control().setUser("bad", "on +nosuchcommand"));
            assertTrue(e.getMessage().contains("nosuchcommand"), e.getMessage());
            control().deleteUser("mesh-user");
            control().deleteUser("local-user");
            assertFalse(control().users().containsKey("mesh-user"));
        } finally {
            control().removeAclListener(l);
        }
    }

    @Test
    void aclRulesAreJudgedAgainstTheTable() throws Exception {
        assertTrue(control().aclRules().privileged("on nopass ~* &* +@all"));
        assertFalse(control().aclRules().privileged("on nopass ~* resetchannels -@all +get"));
        assertThrows(RequestRefusedException.class, () -> control().aclRules().privileged("on +nosuchcommand"));
        assertFalse(control().aclRules().validUserName("two words"));
        assertTrue(Node.declaredAclRules().privileged("on nopass +config|get"));
    }

    @Test
    void tlsFilesGoThroughConfigSetAndUnusableOnesAreRefused(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        try (ServerFixture tls = ServerFixture.start(certs.serverArgs("--tls-auth-clients", "no"));
             RespClient c = tls.client()) {
            NodeControl control = tls.server().control();
            String before = c.callString("CONFIG", "GET", "tls-cert-file");
            RequestRefusedException e = assertThrows(RequestRefusedException.class,
                    () -> control.installTls(junk, junk, junk));
            assertTrue(e.getMessage().contains("Unable to update TLS configuration"), e.getMessage());
            assertEquals(before, c.callString("CONFIG", "GET", "tls-cert-file"));
            Path cert = certs.server().certFile();
            Path key = certs.server().keyFile();
            control.installTls(cert, key, certs.ca().certFile());
            assertTrue(c.callString("CONFIG", "GET", "tls-cert-file").contains(cert.toString()));
        }
    }
}
