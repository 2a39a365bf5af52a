package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.Failovers;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Bad input on a TLS topology whose data nodes require a password: a sentinel with a wrong
 * auth-pass sees the master down (never its replicas) and never logs a password, and recovers
 * once SENTINEL SET gives it the right one; a sentinel whose certificate comes from another CA
 * can neither reach the data nodes nor the sentinels, so it never joins the hello channel nor
 * is asked for a vote, and the failover happens without it; malformed hello messages and
 * out-of-range arguments leave the sentinels up and unchanged. (Malformed sentinel.conf lines:
 * cli's SentinelLauncherTest, against redis-sentinel's report.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
    static final String PASS = "s3cret-data-pass";
    static TestCertificates certs;
    static Topology topology;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        topology = Topology.create().tls(certs).requirePass(PASS).start();
    }

    @AfterAll
    static void stop() {
        Topology.close(topology, certs);
    }

    private static ServerProcess extraSentinel(String name, TestCertificates.Identity id, String authPass)
            throws IOException {
        return extraSentinel(name, id, authPass, topology.clientTls());
    }

    /** {@code harnessTls}: how the test itself reaches it (a rogue's certificate needs the other CA trusted). */
    private static ServerProcess extraSentinel(String name, TestCertificates.Identity id, String authPass,
                                               javax.net.ssl.SSLContext harnessTls) throws IOException {
        String conf = "tls-cert-file " + id.certFile() + "\ntls-key-file " + id.keyFile() + "\n"
                + topology.sentinelLines(topology.master().servingPort()).replace("auth-pass mymaster " + PASS,
                        "auth-pass mymaster " + authPass);
        return ServerProcess.spec(ServerProcess.Kind.REDMESH_SENTINEL, name, topology.dir().resolve(name)).port(0)
                .tls(Ports.free(), harnessTls).sentinelConf(conf).start();
    }

    @Test
    @Order(1)
    void aWrongAuthPassSeesTheMasterDownAndNeverLogsAPassword() throws Exception {
        try (ServerProcess wrong = extraSentinel("wrong-pass", certs.newPeer("wrong-pass", "localhost"), "not-the-pass")) {
            Await.until(wrong + " to see the master down", 20_000,
                    () -> Sentinels.master(wrong).getOrDefault("flags", "").contains("s_down"),
                    () -> Sentinels.master(wrong).toString());
            assertEquals("0", Sentinels.master(wrong).get("num-slaves"), "INFO is refused without the password");
            assertFalse(wrong.logText().contains("not-the-pass") || wrong.logText().contains(PASS), wrong.logText());
            // the others were never told to fail over: their master is fine
            assertEquals("master", Sentinels.master(topology.sentinels().get(0)).get("flags"));
            assertTrue(wrong.call("SENTINEL", "SET", "mymaster", "auth-pass", PASS).startsWith("+OK"));
            Await.until(wrong + " to see the master up and its replicas once it has the password", 20_000, () -> {
                Map<String, String> m = Sentinels.master(wrong);
                return "master".equals(m.get("flags")) && "2".equals(m.get("num-slaves"));
            }, () -> Sentinels.master(wrong).toString());
            assertTrue(wrong.logText().contains("+set master mymaster 127.0.0.1 " + topology.master().servingPort()
                    + " auth-pass ******"), "auth-pass is redacted in the +set event");
            assertFalse(wrong.logText().contains(PASS), "never the password itself");
        }
        // once it had the password it published hellos: the others learnt of it; reset forgets it
        for (ServerProcess s : topology.sentinels()) {
            assertEquals(":1\r\n", s.call("SENTINEL", "RESET", "mymaster"));
        }
        topology.awaitSettled(topology.master());
    }

    @Test
    @Order(3)
    void aSentinelOfAnotherCaCannotJoinNorVote() throws Exception {
        TestCertificates.Identity rogueId = certs.newUntrustedPeer("rogue", "localhost");
        javax.net.ssl.SSLContext reachRogue = TestCertificates.clientContext(certs.untrustedCa(), certs.client());
        try (ServerProcess rogue = extraSentinel("rogue", rogueId, PASS, reachRogue)) {
            // under TLS 1.3 its handshake completes on its side, then the master's alert closes the
            // link: no reply ever comes, so to the rogue the master is down
            Await.until(rogue + " to see the master down (the data nodes refuse its certificate)", 20_000,
                    () -> Sentinels.master(rogue).getOrDefault("flags", "").contains("s_down"),
                    () -> Sentinels.master(rogue).toString());
            String rogueRunId = rogue.call("SENTINEL", "MYID").replaceAll("(?s)^\\$40\r\n|\r\n$", "");
            assertEquals(40, rogueRunId.length(), rogueRunId);
            Thread.sleep(3000); // hellos go out every 2 s: none of its gets through
            for (ServerProcess s : topology.sentinels()) {
                assertEquals("2", Sentinels.master(s).get("num-other-sentinels"), s + " knows only the two others");
                assertFalse(s.call("SENTINEL", "SENTINELS", "mymaster").contains(rogueRunId), s + " never heard of the rogue");
            }
            // it cannot even ask a sentinel for a vote: the handshake with its certificate fails
            javax.net.ssl.SSLContext asRogue = TestCertificates.clientContext(certs.ca(), rogueId);
            assertThrows(RuntimeException.class, () -> {
                try (RespClient c = RespClient.connect(topology.sentinels().get(0).servingPort(), asRogue)) {
                    c.callString("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1",
                            Integer.toString(topology.master().servingPort()), "99", rogueRunId);
                }
            });
            ServerProcess old = topology.master();
            old.kill9();
            ServerProcess promoted = Failovers.awaitNewMaster(topology, old, 30_000);
            assertFalse(rogue.logText().contains("+vote-for-leader"), "the rogue took no part");
            for (ServerProcess s : topology.sentinels()) {
                // +vote-for-leader names the leader voted for, +sentinel a sentinel learnt of: never the rogue
                assertFalse(s.logText().contains(rogueRunId), s + " never saw the rogue's run id");
            }
            assertTrue(promoted.isAlive());
            old.restart();
            // the master of now: on a loaded machine a second failover may have followed the first
            Failovers.awaitFollowers(topology, topology.dataNode(Sentinels.masterPort(topology.sentinels().get(0))),
                    40_000);
            // the rogue retries every second: the data nodes name its certificate once, not each time
            for (ServerProcess d : topology.dataNodes()) {
                long refusals = d.logText().lines().filter(l -> l.contains("TLS client certificate refused: subject "
                        + "'CN=rogue")).count();
                assertTrue(refusals <= 2, d + " logged the rogue " + refusals + " times");
            }
        }
    }

    @Test
    @Order(2)
    void malformedHellosAndArgumentsChangeNothing() {
        ServerProcess s = topology.sentinels().get(1);
        String before = Sentinels.master(s).get("num-other-sentinels");
        Random r = new Random(14);
        for (int i = 0; i < 300; i++) {
            StringBuilder hello = new StringBuilder();
            int fields = r.nextInt(12);
            for (int f = 0; f < fields; f++) {
                hello.append(f > 0 ? "," : "");
                switch (r.nextInt(5)) {
                    case 0 -> hello.append("othermaster"); // a hello about mymaster could be a valid one
                    case 1 -> hello.append(r.nextLong());
                    case 2 -> hello.append("127.0.0.1");
                    case 3 -> hello.append("x".repeat(r.nextInt(40)));
                    default -> hello.append((char) r.nextInt(256));
                }
            }
            String reply = s.call("PUBLISH", "__sentinel__:hello", hello.toString());
            assertEquals(":1\r\n", reply, "hello " + hello);
        }
        assertEquals(":1\r\n", s.call("PUBLISH", "__sentinel__:hello", "x".repeat(100_000)), "a huge hello is ignored");
        // well-formed but about an address that does not resolve, or with a port out of range
        assertEquals(":1\r\n", s.call("PUBLISH", "__sentinel__:hello",
                "no-such-host,1,0123456789012345678901234567890123456789,0,mymaster,127.0.0.1,1,0"));
        assertEquals(":1\r\n", s.call("PUBLISH", "__sentinel__:hello",
                "127.0.0.1,70000,0123456789012345678901234567890123456789,0,mymaster,127.0.0.1,1,0"));
        assertTrue(s.call("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "99999999999", "1", "*").startsWith("*3"));
        assertTrue(s.call("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "-1", "x").startsWith("*3"));
        assertTrue(s.call("SENTINEL", "SET", "mymaster", "down-after-milliseconds", "99999999999999999999")
                .startsWith("-ERR Invalid argument"));
        assertTrue(s.call("SENTINEL", "RESET", "[" + "a".repeat(5000)).startsWith(":"), "a long pattern is bounded");
        assertEquals(before, Sentinels.master(s).get("num-other-sentinels"), "no sentinel invented by a hello");
        assertEquals("+PONG\r\n", s.call("PING"));
    }
}
