package io.redmesh.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.node.NodeAdapter.NodeException;
import io.redmesh.agent.node.NodeAdapter.TlsFiles;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.TestCertificates;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * SidecarNode against two Debian redis-server 7.0.15 processes over TLS (client certificates
 * required), plus one reached over plain TCP for the restart and non-TLS cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarNodeTest {
    private static final String ALICE_PW = "alice-pw";
    private static final String CAROL_PW = "carol-pw";

    @GeneratedCertificates
    private static TestCertificates certs;
    private SidecarRedis a;
    private SidecarRedis b;

    @BeforeAll
    void start() {
        Assumptions.assumeTrue(SidecarRedis.available(), "redis-server not installed");
        a = SidecarRedis.tls(certs);
        b = SidecarRedis.tls(certs);
    }

    @AfterAll
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    /** The users the "mesh" wants, written by hand (not as ACL LIST renders them after reset). */
    private static Map<String, String> wanted() {
        Map<String, String> w = new LinkedHashMap<>();
        w.put("alice", "on #" + sha256(ALICE_PW) + " ~k* resetchannels -@all +get");
        w.put("bob", "off resetchannels -@all");
        w.put("carol", "on #" + sha256(CAROL_PW) + " ~a* resetchannels -@all +get (~b* resetchannels -@all +set)");
        w.put("dave", "nopass on allkeys +@read"); // not canonical: Redis renders it otherwise
        return w;
    }

    @Test
    void sameUsersOnBothServersAndEnforced() throws Exception {
        try (SidecarNode na = SidecarNode.connect(a.sidecar().build());
             SidecarNode nb = SidecarNode.connect(b.sidecar().build())) {
            for (var e : wanted().entrySet()) {
                na.setUser(e.getKey(), e.getValue());
                nb.setUser(e.getKey(), e.getValue());
            }
            Map<String, String> ua = na.users();
            assertEquals(ua, nb.users());
            assertEquals(na.aclDigest(), nb.aclDigest());
            assertEquals(Set.of("admin", "alice", "bob", "carol", "dave", "default"), ua.keySet());
            assertEquals("on sanitize-payload #" + sha256(ALICE_PW) + " ~k* resetchannels -@all +get", ua.get("alice"));
            try (Jedis admin = a.admin()) {
                assertEquals(admin.aclList(), b.admin().aclList(), "ACL LIST byte for byte");
            }

            for (SidecarRedis r : List.of(a, b)) {
                try (Jedis alice = r.client("alice", ALICE_PW)) {
                    assertNull(alice.get("k1"));
                    JedisDataException e = assertThrows(JedisDataException.class, () -> alice.set("k1", "v"));
                    assertEquals("NOPERM this user has no permissions to run the 'set' command", e.getMessage());
                }
                try (Jedis carol = r.client("carol", CAROL_PW)) {
                    assertEquals("OK", carol.set("b1", "v"));
                    assertThrows(JedisDataException.class, () -> carol.set("a1", "v"));
                }
                assertThrows(JedisAccessControlException.class, () -> r.client("bob", "x").ping());
            }

            // Locally managed: the admin user cannot be changed or deleted through the adapter.
            NodeException refused = assertThrows(NodeException.class, () -> na.setUser("admin", "off"));
            assertTrue(refused.getMessage().contains("managed locally only"), refused.getMessage());
            assertThrows(NodeException.class, () -> na.deleteUser("admin"));
            assertEquals(2, na.refusedRecords());
            assertTrue(na.users().get("admin").startsWith("on #"), "admin untouched");

            // Redis's own refusals come back with its text, and the connection keeps serving.
            NodeException bad = assertThrows(NodeException.class, () -> na.setUser("dave", "on +nosuchcommand"));
            assertTrue(bad.getMessage().contains("ERR Error in ACL SETUSER modifier '+nosuchcommand'"), bad.getMessage());
            // "default" cannot be deleted on Redis: deleting it resets it (off, no permissions).
            na.deleteUser("default");
            assertEquals("off sanitize-payload resetchannels -@all", na.users().get("default"));
            assertThrows(JedisDataException.class, () -> a.client("default", "").ping());
            try (Jedis admin = a.admin()) { // back to the stock rendering (no reset, no sanitize-payload)
                admin.aclDelUser("default"); // refused, the user stays
            } catch (JedisDataException expected) {
                assertEquals("ERR The 'default' user cannot be removed", expected.getMessage());
            }
            na.setUser("default", "on nopass ~* &* +@all");
            assertEquals(SidecarNode.digest(nb.users()), SidecarNode.digest(na.users()),
                    "the digest ignores reset's sanitize-payload");

            na.deleteUser("bob");
            na.deleteUser("bob"); // absent: no-op
            assertFalse(na.users().containsKey("bob"));
            na.setUser("bob", wanted().get("bob"));
        }
    }

    @Test
    void driftMadeByHandIsRepaired() throws Exception {
        Map<String, String> wanted = wanted();
        try (SidecarNode na = SidecarNode.connect(a.sidecar().build());
             SidecarNode nb = SidecarNode.connect(b.sidecar().build())) {
            List<DriftEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
            na.onDrift(events::add);
            // The first pass brings both to the wanted set; the next ones find nothing (the
            // "sanitize-payload" rendering of reset is remembered, not repaired forever).
            // Users set through another SidecarNode (rendered with reset's "sanitize-payload") match.
            for (List<DriftEvent> first : List.of(na.repairDrift(wanted), nb.repairDrift(wanted))) {
                assertTrue(first.stream().allMatch(e -> e.kind() == DriftEvent.Kind.MISSING
                        || e.user().equals("dave")), first.toString());
            }
            assertEquals(List.of(), na.repairDrift(wanted));
            assertEquals(List.of(), nb.repairDrift(wanted));
            events.clear();
            long before = na.driftEvents();

            na.startDriftRepair(() -> wanted, Duration.ofMillis(100));
            try (Jedis admin = a.admin()) {
                admin.aclSetUser("alice", "+set");
                admin.aclDelUser("bob");
                admin.aclSetUser("mallory", "on", ">x", "~*", "+@all");
            }
            waitFor(() -> {
                try {
                    return SidecarNode.digest(na.users()).equals(SidecarNode.digest(nb.users()));
                } catch (NodeException e) {
                    return false;
                }
            }, "drift on " + a.tlsPort() + " repaired");
            Map<String, DriftEvent.Kind> kinds = Map.copyOf(events.stream()
                    .collect(Collectors.toMap(DriftEvent::user, DriftEvent::kind, (x, y) -> x)));
            assertEquals(DriftEvent.Kind.CHANGED, kinds.get("alice"));
            assertEquals(DriftEvent.Kind.MISSING, kinds.get("bob"));
            assertEquals(DriftEvent.Kind.EXTRA, kinds.get("mallory"));
            assertTrue(events.stream().allMatch(DriftEvent::repaired), events.toString());
            assertTrue(na.driftEvents() - before >= 3);
            try (Jedis alice = a.client("alice", ALICE_PW)) {
                assertThrows(JedisDataException.class, () -> alice.set("k1", "v"));
            }
            // Not synced yet (null): passes are skipped, nothing is deleted.
            na.startDriftRepair(() -> null, Duration.ofMillis(20));
            try (Jedis admin = a.admin()) {
                admin.aclSetUser("eve", "on", ">x", "+get");
                Thread.sleep(150);
                assertTrue(na.users().containsKey("eve"));
                admin.aclDelUser("eve");
            }
            na.stopDriftRepair();
            // "default" is not in the wanted set: it is left as found (Redis can never delete it).
            try (Jedis admin = a.admin()) {
                admin.aclSetUser("default", "off");
                assertEquals(List.of(), na.repairDrift(wanted));
                admin.aclSetUser("default", "on", "nopass", "~*", "&*", "+@all");
            }

            // A wanted set that would lock the admin out is refused once, with an event.
            Map<String, String> hostile = new LinkedHashMap<>(wanted);
            hostile.put("admin", "off resetchannels -@all");
            events.clear();
            na.startDriftRepair(() -> hostile, Duration.ofMillis(50));
            waitFor(() -> !events.isEmpty(), "refusal reported");
            Thread.sleep(200); // several more passes
            na.stopDriftRepair();
            assertEquals(1, events.size(), events.toString());
            assertEquals(DriftEvent.Kind.REFUSED, events.get(0).kind());
            assertTrue(na.users().get("admin").startsWith("on #"));
            assertEquals(1, na.refusedRecords());
        }
    }

    @Test
    void tlsRotationKeepsEstablishedConnections() throws Exception {
        try (SidecarNode na = SidecarNode.connect(a.sidecar().build());
             Jedis held = a.admin()) {
            assertEquals("PONG", held.ping());
            BigInteger original = a.servedCertificate().getSerialNumber();
            for (String name : List.of("rotated-1", "rotated-2")) {
                TestCertificates.Identity next = certs.newServer(name);
                SidecarRedis.replaceAtomically(next.certFile(), a.certFile());
                SidecarRedis.replaceAtomically(next.keyFile(), a.keyFile());
                na.installTls(new TlsFiles(a.certFile(), a.keyFile(), certs.ca().certFile()));
                assertEquals(next.cert().getSerialNumber(), na.servedSerial());
                assertEquals(next.cert().getSerialNumber(), a.servedCertificate().getSerialNumber());
                assertNotEquals(original, na.servedSerial());
                assertEquals("PONG", held.ping(), "established connection survives " + name);
                assertEquals("OK", held.set("rotation", name));
            }
            // The admin connection of the sidecar reconnects fine with the new material too.
            try (SidecarNode fresh = SidecarNode.connect(a.sidecar().build())) {
                assertTrue(fresh.users().containsKey("admin"));
            }

            // A key that does not match the certificate: Redis refuses, keeps serving the current one.
            BigInteger current = a.servedCertificate().getSerialNumber();
            NodeException e = assertThrows(NodeException.class, () ->
                    na.installTls(new TlsFiles(a.certFile(), certs.mismatchedKey(), certs.ca().certFile())));
            assertTrue(e.getMessage().contains("Unable to update TLS configuration"), e.getMessage());
            assertEquals(current, a.servedCertificate().getSerialNumber());
            assertEquals("PONG", held.ping());
            // Garbage is caught before it reaches the server.
            NodeException g = assertThrows(NodeException.class, () ->
                    na.installTls(new TlsFiles(a.dir().resolve("redis.log"), a.keyFile(), certs.ca().certFile())));
            assertTrue(g.getMessage().contains("TLS material not installed"), g.getMessage());

            na.revoke(Set.of(current)); // cannot be enforced on stock Redis: logged and listed only
            assertEquals(Set.of(current), na.revokedSerials());
            assertEquals("PONG", held.ping());
        }
    }

    @Test
    void anAdminWithOnlyTheDocumentedPermissionsIsEnough() throws Exception {
        try (Jedis admin = b.admin()) {
            admin.aclSetUser("meshadmin", "on", ">mesh-pw", "resetchannels", "-@all", "+acl|list", "+acl|setuser",
                    "+acl|deluser", "+config|get", "+config|set");
            SidecarConfig cfg = SidecarConfig.builder("127.0.0.1", b.tlsPort()).admin("meshadmin", "mesh-pw")
                    .tls(certs.ca().certFile(), certs.client().certFile(), certs.client().keyFile()).build();
            try (SidecarNode n = SidecarNode.connect(cfg)) {
                n.setUser("frank", "on nopass +get");
                assertTrue(n.users().containsKey("frank"));
                n.deleteUser("frank");
                n.installTls(new TlsFiles(b.certFile(), b.keyFile(), certs.ca().certFile()));
                assertEquals(b.servedCertificate().getSerialNumber(), n.servedSerial());
            } finally {
                admin.aclDelUser("meshadmin");
            }
        }
    }

    @Test
    void wrongAdminPasswordIsAClearError() {
        SidecarConfig bad = SidecarConfig.builder("127.0.0.1", a.tlsPort()).admin("admin", "not-the-password")
                .tls(certs.ca().certFile(), certs.client().certFile(), certs.client().keyFile()).build();
        assertFalse(bad.toString().contains("not-the-password"));
        NodeException e = assertThrows(NodeException.class, () -> SidecarNode.connect(bad));
        assertTrue(e.getMessage().contains("WRONGPASS invalid username-password pair or user is disabled."),
                e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
        try (SidecarNode n = new SidecarNode(bad)) {
            assertThrows(NodeException.class, n::users);
            assertEquals(0, n.reconnectAttempts(), "a refusal is not retried");
        }

        // A server certificate from another CA: a TLS failure, named as such.
        SidecarConfig untrusted = SidecarConfig.builder("127.0.0.1", a.tlsPort())
                .admin(SidecarRedis.ADMIN, SidecarRedis.ADMIN_PASSWORD).retryFor(Duration.ofMillis(300))
                .tls(certs.untrustedCa().certFile(), certs.client().certFile(), certs.client().keyFile()).build();
        NodeException u = assertThrows(NodeException.class, () -> SidecarNode.connect(untrusted));
        assertTrue(u.getMessage().contains("TLS handshake failed"), u.getMessage());
    }

    @Test
    void aServerThatNeverAnswersIsBoundedByTheCommandTimeout() throws Exception {
        // A listening socket nobody reads: the connect succeeds (kernel backlog), AUTH never gets a reply.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            SidecarConfig cfg = SidecarConfig.builder("127.0.0.1", silent.getLocalPort()).admin("admin", "pw")
                    .commandTimeout(Duration.ofMillis(200)).connectTimeout(Duration.ofMillis(200))
                    .retryFor(Duration.ofMillis(500)).build();
            long t0 = System.nanoTime();
            NodeException e = assertThrows(NodeException.class, () -> SidecarNode.connect(cfg));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(e.getMessage().contains("unreachable for 500 ms") && e.getMessage().contains("timed out"),
                    e.getMessage());
            assertTrue(ms < 10_000, "bounded: " + ms + " ms");
        }
    }

    @Test
    void plainTcpServerDownRetriesAndRecovers() throws Exception {
        try (SidecarRedis c = SidecarRedis.plainWithTlsPort(certs);
             SidecarNode nc = SidecarNode.connect(c.sidecar().retryFor(Duration.ofSeconds(10)).build())) {
            Map<String, String> wanted = wanted();
            nc.repairDrift(wanted);
            assertTrue(nc.users().keySet().containsAll(wanted.keySet()));

            // Non-TLS sidecar: the certificate is checked on the server's tls-port (CONFIG GET).
            TestCertificates.Identity next = certs.newServer("plain-rotated");
            SidecarRedis.replaceAtomically(next.certFile(), c.certFile());
            SidecarRedis.replaceAtomically(next.keyFile(), c.keyFile());
            nc.installTls(new TlsFiles(c.certFile(), c.keyFile(), certs.ca().certFile()));
            assertEquals(next.cert().getSerialNumber(), nc.servedSerial());
            assertEquals(next.cert().getSerialNumber(), c.servedCertificate().getSerialNumber());

            c.stop();
            SidecarNode quick = new SidecarNode(c.sidecar().retryFor(Duration.ofMillis(200)).build());
            NodeException down = assertThrows(NodeException.class, quick::users);
            assertTrue(down.getMessage().contains("unreachable"), down.getMessage());
            quick.close();

            long attempts = nc.reconnectAttempts();
            CompletableFuture<List<DriftEvent>> pass = CompletableFuture.supplyAsync(() -> {
                try {
                    return nc.repairDrift(wanted);
                } catch (NodeException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(400);
            assertFalse(pass.isDone(), "still retrying while the server is down");
            c.start(); // same port, empty ACL: the restart lost every user set at runtime
            List<DriftEvent> events = pass.get(10, TimeUnit.SECONDS);
            assertTrue(nc.reconnectAttempts() > attempts);
            assertEquals(Set.of("alice", "bob", "carol", "dave"),
                    events.stream().map(DriftEvent::user).collect(Collectors.toSet()));
            assertTrue(events.stream().allMatch(ev -> ev.kind() == DriftEvent.Kind.MISSING && ev.repaired()));
            try (Jedis alice = c.client("alice", ALICE_PW)) {
                assertNull(alice.get("k1"));
            }
        }
    }

    private static void waitFor(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(25);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
