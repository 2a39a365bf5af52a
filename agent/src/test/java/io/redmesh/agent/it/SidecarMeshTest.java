package io.redmesh.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.Sidecars;
import io.redmesh.agent.config.AgentConfig;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.sidecar.SidecarNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Sidecar mode end to end: a mesh of one RedMesh node (node1, the issuer, in-JVM) and two
 * Debian redis-server processes, each secured by a sidecar agent configured from an agent.conf
 * as {@code redmesh agent FILE} reads it and started by the same {@link Sidecars#start}. The
 * redis-servers are TLS-only and start on a certificate an operator gave them; the agents
 * replace it with their mesh leaves and keep them rotated (15 s lifetime here, renewed every
 * 10 s), keep the users equal to the mesh's, repair drift and survive a redis-server restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarMeshTest {
    private static final Duration LEAF = Duration.ofSeconds(15);
    /**
     * Bound on propagation: usually well under a second, but a member restarting its Atomix for
     * a new leaf (every 10 s here, on each of the three) misses pushes until anti-entropy runs.
     */
    private static final Duration CONVERGE = Duration.ofSeconds(30);

    private static MeshTestbed mesh;
    private static final List<StockRedis> redis = new ArrayList<>();
    private static final List<Sidecars.Running> sidecars = new ArrayList<>();
    private static KeyManagerFactory clientKeys;
    private static TrustManagerFactory clientTrust;
    private static String adminLine;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(StockRedis.available(), "redis-server not installed");
        // nodes 2 and 3 of the testbed are never started as RedMesh nodes: their names, ports,
        // state dirs and join tokens are the sidecar agents'
        mesh = MeshTestbed.create(3, LEAF, Role.OPERATOR, Role.NODE, Role.NODE);
        clientIdentity();
        String[] authClients = {"yes", "optional"};
        for (int i = 2; i <= 3; i++) {
            StockRedis r = new StockRedis(mesh.dir.resolve("redis" + i), mesh.issuing, mesh.caFile, authClients[i - 2]);
            r.start();
            redis.add(r);
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> issuer = pool.submit(() -> {
                mesh.node(1).start();
                return null;
            });
            List<Future<Sidecars.Running>> started = new ArrayList<>();
            for (int i = 2; i <= 3; i++) {
                AgentConfig cfg = sidecarConfig(mesh.node(i), redis.get(i - 2));
                started.add(pool.submit(() -> Sidecars.start(cfg, Duration.ofSeconds(60))));
            }
            issuer.get(90, TimeUnit.SECONDS);
            for (Future<Sidecars.Running> f : started) {
                sidecars.add(f.get(90, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
        }
        adminLine = userLine(redis.get(0), StockRedis.ADMIN);
        assertNotNull(adminLine);
    }

    @AfterAll
    static void stop() throws Exception {
        // in parallel: a mesh member's Atomix stop can take its full 10 s bound
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> closing = new ArrayList<>();
        for (Sidecars.Running s : sidecars) {
            closing.add(pool.submit(s::close));
        }
        if (mesh != null) {
            closing.add(pool.submit(() -> mesh.node(1).stop()));
        }
        for (Future<?> f : closing) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (StockRedis r : redis) {
            r.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    /** The agent.conf an operator writes for the sidecar of {@code r}, parsed as the launcher parses it. */
    private static AgentConfig sidecarConfig(MeshTestbed.Node n, StockRedis r) throws Exception {
        AgentConfig base = n.config();
        Path dir = n.stateDir;
        Path pass = dir.resolve("admin.pass");
        Files.writeString(pass, StockRedis.ADMIN_PASSWORD + "\n");
        Path cert = dir.resolve("sidecar-client.crt");
        Path key = dir.resolve("sidecar-client.key");
        StockRedis.writeIdentity(mesh.issuing, "sidecar-" + n.name, cert, key);
        List<String> lines = new ArrayList<>(List.of(
                "name " + n.name,
                "state-dir " + base.stateDir,
                "mesh-port " + base.meshPort,
                "seeds " + String.join(" ", base.seeds.stream().map(Object::toString).toList()),
                "ca-file " + base.caFile,
                "issuer " + base.issuers.get(0),
                "join-token " + base.joinToken,
                "sync-timeout 5s",
                "sidecar 127.0.0.1:" + r.tlsPort,
                "sidecar-user " + StockRedis.ADMIN,
                "sidecar-password-file " + pass,
                "sidecar-tls yes",
                "sidecar-cert-file " + cert,
                "sidecar-key-file " + key,
                "sidecar-check-interval 500ms"));
        Path conf = dir.resolve("agent.conf");
        Files.write(conf, lines);
        AgentConfig cfg = AgentConfig.load(conf);
        cfg.leafLifetime = LEAF; // below the file's 30 s floor: its retry backoff follows it
        return cfg;
    }

    // ------------------------------------------------------------------ helpers

    private static void clientIdentity() throws Exception {
        KeyPair keys = CertificateRequests.newKeyPair();
        var csr = CertificateRequests.parse(CertificateRequests.create(keys, "tester", List.of(), List.of()));
        X509Certificate leaf = mesh.issuing.signLeaf(csr, "tester", Role.NODE, Duration.ofHours(1), SanPolicy.defaults());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", keys.getPrivate(), new char[0], mesh.issuing.leafChain(leaf).toArray(new X509Certificate[0]));
        clientKeys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        clientKeys.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("root", mesh.root.certificate());
        clientTrust = TrustManagerFactory.getInstance("PKIX");
        clientTrust.init(ts);
    }

    /** A fresh context each time, so no handshake is a resumed one (it would carry no certificate). */
    private static SSLContext freshContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(clientKeys.getKeyManagers(), clientTrust.getTrustManagers(), null);
        return ctx;
    }

    private static Jedis client(StockRedis r, String user, String password) throws Exception {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().socketTimeoutMillis(5000)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).ssl(true)
                .sslSocketFactory(freshContext().getSocketFactory());
        if (user != null) {
            b.user(user).password(password);
        }
        return new Jedis(new HostAndPort("127.0.0.1", r.tlsPort), b.build());
    }

    private static Jedis admin(StockRedis r) throws Exception {
        return client(r, StockRedis.ADMIN, StockRedis.ADMIN_PASSWORD);
    }

    /** The serial a new TLS handshake with {@code r} is served. */
    private static BigInteger servedSerial(StockRedis r) throws Exception {
        try (SSLSocket s = (SSLSocket) freshContext().getSocketFactory().createSocket("127.0.0.1", r.tlsPort)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger agentSerial(int i) {
        return sidecars.get(i).agent().rotator().current().leaf().getSerialNumber();
    }

    private static String userLine(StockRedis r, String user) {
        try (Jedis a = admin(r)) {
            for (String l : a.aclList()) {
                if (l.startsWith("user " + user + " ")) {
                    return l;
                }
            }
            return null;
        } catch (Exception e) {
            return "unreachable: " + e;
        }
    }

    private static String authError(StockRedis r, String user, String password) {
        try (Jedis j = client(r, user, password)) {
            return j.ping();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Whether AUTH as user succeeds (a NOPERM for the PING after it still means it did). */
    private static boolean canAuth(StockRedis r, String user, String password) {
        try (Jedis j = client(r, user, password)) {
            return "PONG".equals(j.ping());
        } catch (JedisDataException e) { // Jedis reports NOPERM as an access-control error too
            return e.getMessage().startsWith("NOPERM");
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long ms = MeshTestbed.await(CONVERGE, cond);
        assertTrue(ms >= 0, what + " within " + CONVERGE.toSeconds() + " s");
    }

    // ------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void aclChangesOnTheRedMeshNodeAreEnforcedOnBothRedisServers() throws Exception {
        assertEquals("+OK\r\n", mesh.node(1).call("ACL", "SETUSER", "alice", "on", ">alice-pw", "~app:*", "+get", "+set"));
        for (StockRedis r : redis) {
            long ms = MeshTestbed.await(CONVERGE, () -> canAuth(r, "alice", "alice-pw"));
            assertTrue(ms >= 0, "alice on " + r.tlsPort + ": " + userLine(r, "alice") + " / "
                    + authError(r, "alice", "alice-pw"));
            try (Jedis alice = client(r, "alice", "alice-pw")) {
                assertEquals("OK", alice.set("app:1", "v"));
                JedisDataException e = assertThrows(JedisDataException.class, () -> alice.set("other", "v"));
                assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
                e = assertThrows(JedisDataException.class, () -> alice.del("app:1"));
                assertEquals("NOPERM this user has no permissions to run the 'del' command", e.getMessage());
            }
        }
        // a change of rules arrives as well
        mesh.node(1).call("ACL", "SETUSER", "alice", "+del");
        for (StockRedis r : redis) {
            await("alice's +del on " + r.tlsPort, () -> {
                try (Jedis alice = client(r, "alice", "alice-pw")) {
                    return alice.del("app:1") >= 0;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        // a rule naming a command Redis 7.0 lacks (CLIENT SETINFO is 7.2's) grants nothing there:
        // the sidecars hold alice without it, her other rules applied, and drift repair accepts that
        mesh.node(1).call("ACL", "SETUSER", "alice", "+client|setinfo", "+incr");
        for (StockRedis r : redis) {
            await("alice's +incr on " + r.tlsPort, () -> String.valueOf(userLine(r, "alice")).contains("+incr"));
            assertFalse(userLine(r, "alice").contains("setinfo"), userLine(r, "alice"));
        }
        Thread.sleep(3000); // past a drift pass (2 s): nothing to repair, nothing re-applied
        for (StockRedis r : redis) {
            assertTrue(userLine(r, "alice").contains("+incr") && !userLine(r, "alice").contains("setinfo"), userLine(r, "alice"));
        }
        // a deletion reaches both, and redis-server closes alice's open connections
        List<Jedis> open = new ArrayList<>();
        for (StockRedis r : redis) {
            Jedis j = client(r, "alice", "alice-pw");
            assertEquals("OK", j.set("app:2", "v"));
            open.add(j);
        }
        assertEquals(":1\r\n", mesh.node(1).call("ACL", "DELUSER", "alice"));
        for (StockRedis r : redis) {
            await("alice deleted on " + r.tlsPort, () -> userLine(r, "alice") == null);
            assertFalse(canAuth(r, "alice", "alice-pw"));
        }
        for (Jedis j : open) {
            assertThrows(JedisConnectionException.class, () -> j.get("app:2"), "alice's connection was closed");
            j.close();
        }
    }

    @Test
    @Order(2)
    void driftMadeOnARedisServerIsRepaired() throws Exception {
        mesh.node(1).call("ACL", "SETUSER", "bob", "on", ">bob-pw", "~b:*", "+get");
        mesh.node(1).call("ACL", "SETUSER", "carol", "on", ">carol-pw", "~c:*", "+get");
        StockRedis r = redis.get(0);
        StockRedis other = redis.get(1);
        await("bob and carol", () -> canAuth(r, "carol", "carol-pw") && canAuth(other, "carol", "carol-pw")
                && canAuth(r, "bob", "bob-pw"));
        String bobBefore = userLine(r, "bob");
        long t0 = System.nanoTime();
        try (Jedis a = admin(r)) {
            a.aclSetUser("bob", "+@all", "~*");       // widened by hand
            a.aclDelUser("carol");                    // removed by hand
            a.aclSetUser("mallory", "on", ">m", "~*", "+@all"); // added by hand
        }
        await("drift repaired", () -> bobBefore.equals(userLine(r, "bob")) && userLine(r, "carol") != null
                && userLine(r, "mallory") == null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 5000, "repaired in " + ms + " ms"); // the check runs every 500 ms
        try (Jedis bob = client(r, "bob", "bob-pw")) {
            assertThrows(JedisDataException.class, () -> bob.set("b:1", "v"));
        }
        assertTrue(canAuth(r, "carol", "carol-pw"));
        assertFalse(canAuth(r, "mallory", "m"));
        assertTrue(sidecars.get(0).node().driftEvents() >= 3);
        // the two servers hold the same users again
        await("same users on both", () -> {
            try {
                return SidecarNode.digest(sidecars.get(0).node().users())
                        .equals(SidecarNode.digest(sidecars.get(1).node().users()));
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Order(3)
    void theAdminUserIsNeverTouched() throws Exception {
        // an operator node may make an administrator named like the sidecar's login: the mesh
        // carries it, and the sidecars refuse to apply it to their own admin user
        assertEquals("+OK\r\n", mesh.node(1).call("ACL", "SETUSER", "meshadmin", "on", ">hijack", "~*", "+@all"));
        await("the record reached both sidecars", () -> sidecars.stream().allMatch(s -> {
            Map<String, String> w = s.agent().wantedUsers();
            return w != null && w.containsKey("meshadmin");
        }));
        Thread.sleep(1500); // three check passes
        for (StockRedis r : redis) {
            assertEquals(adminLine, userLine(r, StockRedis.ADMIN), "admin untouched on " + r.tlsPort);
            assertFalse(canAuth(r, StockRedis.ADMIN, "hijack"));
        }
        assertEquals(":1\r\n", mesh.node(1).call("ACL", "DELUSER", "meshadmin"));
        await("the tombstone reached both sidecars", () -> sidecars.stream().noneMatch(s -> {
            Map<String, String> w = s.agent().wantedUsers();
            return w == null || w.containsKey("meshadmin");
        }));
        Thread.sleep(1500);
        for (StockRedis r : redis) {
            assertEquals(adminLine, userLine(r, StockRedis.ADMIN), "admin still there on " + r.tlsPort);
            assertTrue(sidecars.get(redis.indexOf(r)).node().refusedRecords() >= 1);
        }
    }

    @Test
    @Order(4)
    void leavesRotateWithoutDroppingEstablishedConnections() throws Exception {
        mesh.node(1).call("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "+@all");
        List<Jedis> established = new ArrayList<>();
        for (StockRedis r : redis) {
            await("app on " + r.tlsPort, () -> canAuth(r, "app", "app-pw"));
            Jedis j = client(r, "app", "app-pw");
            assertEquals("OK", j.set("k", "0"));
            established.add(j);
        }
        try {
            for (int i = 0; i < redis.size(); i++) {
                // the operator's initial certificate was replaced by the agent's mesh leaf
                BigInteger s = servedSerial(redis.get(i));
                assertEquals(agentSerial(i), s);
            }
            List<BigInteger> seen = new ArrayList<>();
            seen.add(servedSerial(redis.get(0)));
            for (int round = 1; round <= 2; round++) {
                BigInteger prev = seen.get(seen.size() - 1);
                long ms = MeshTestbed.await(LEAF.multipliedBy(2), () -> {
                    try {
                        BigInteger now = servedSerial(redis.get(0));
                        return !now.equals(prev) && now.equals(agentSerial(0));
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertTrue(ms >= 0, "rotation " + round + " on redis-server " + redis.get(0).tlsPort);
                seen.add(servedSerial(redis.get(0)));
                await("the other server's leaf is its agent's", () -> {
                    try {
                        return servedSerial(redis.get(1)).equals(agentSerial(1));
                    } catch (Exception e) {
                        return false;
                    }
                });
                for (Jedis j : established) {
                    assertEquals(round, j.incr("k"), "established connection after rotation " + round);
                }
                // and a new client handshakes on the new leaf
                for (StockRedis r : redis) {
                    try (Jedis fresh = client(r, "app", "app-pw")) {
                        assertEquals(String.valueOf(round), fresh.get("k"));
                    }
                }
            }
            assertEquals(3, seen.stream().distinct().count(), seen.toString());
        } finally {
            established.forEach(Jedis::close);
        }
    }

    @Test
    @Order(5)
    void aRestartedRedisServerGetsItsUsersAndLeafBack() throws Exception {
        mesh.node(1).call("ACL", "SETUSER", "dave", "on", ">dave-pw", "~d:*", "+get");
        StockRedis r = redis.get(1);
        await("dave", () -> canAuth(r, "dave", "dave-pw"));
        r.stop();
        r.start(); // back on its command line: the operator's certificate, only the admin user
        await("users re-applied after the restart", () -> canAuth(r, "dave", "dave-pw") && canAuth(r, "bob", "bob-pw"));
        await("the agent's leaf installed again", () -> {
            try {
                return servedSerial(r).equals(agentSerial(1));
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(adminLine, userLine(r, StockRedis.ADMIN));
        // and it keeps following the mesh
        mesh.node(1).call("ACL", "DELUSER", "dave");
        await("dave deleted after the restart", () -> userLine(r, "dave") == null);
        assertNotEquals(null, userLine(r, "bob"));
    }
}
