package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.Failovers;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Topology;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link SentinelAcl} are enough and no more: over TLS, sentinels log in to the
 * data nodes as a user with {@link SentinelAcl#DATA_NODE_RULES} (sentinel auth-user) and to each
 * other as a user with {@link SentinelAcl#SENTINEL_PEER_RULES} (sentinel sentinel-user); they
 * discover each other, agree, and fail over a kill -9'd master with no ACL denial logged anywhere;
 * those users can do nothing else; a client with {@link SentinelAcl#CLIENT_RULES} can discover
 * the master and subscribe to +switch-master, and not reconfigure a sentinel.
 */
class SentinelAclTest {
    static final String NODE_USER = "sentinel-node";
    static final String PEER_USER = "sentinel-peer";
    static final String CLIENT_USER = "sentinel-client";
    static final String PASS = "acl-pass-14";
    static TestCertificates certs;
    static Topology topology;

    static String userLine(String name, List<String> rules) {
        return "user " + String.join(" ", SentinelAcl.setUser(name, PASS, rules)) + "\n";
    }

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        List<String> nodeUser = new ArrayList<>(List.of("--user"));
        nodeUser.addAll(SentinelAcl.setUser(NODE_USER, PASS, SentinelAcl.DATA_NODE_RULES));
        topology = Topology.create().tls(certs).dataArgs(nodeUser.toArray(new String[0]))
                .sentinelConf(userLine(PEER_USER, SentinelAcl.SENTINEL_PEER_RULES)
                        + userLine(CLIENT_USER, SentinelAcl.CLIENT_RULES)
                        + "sentinel auth-user " + Topology.MASTER_NAME + " " + NODE_USER + "\n"
                        + "sentinel auth-pass " + Topology.MASTER_NAME + " " + PASS + "\n"
                        + "sentinel sentinel-user " + PEER_USER + "\nsentinel sentinel-pass " + PASS + "\n")
                .start();
    }

    @AfterAll
    static void stop() {
        Topology.close(topology, certs);
    }

    /** The users of the connections named sentinel-*: every sentinel link is logged in as {@code user}. */
    static void assertSentinelLinksUse(ServerProcess p, String user, int links) {
        String list = p.call("CLIENT", "LIST");
        long named = list.lines().filter(l -> l.contains(" name=sentinel-")).count();
        long asUser = list.lines().filter(l -> l.contains(" name=sentinel-") && l.contains(" user=" + user + " "))
                .count();
        assertTrue(named >= links, p + " has the sentinels' " + links + " links: " + list);
        assertEquals(named, asUser, p + ": every sentinel link logged in as " + user + ": " + list);
    }

    static void assertNoDenial(ServerProcess p) {
        assertEquals("*0\r\n", p.call("ACL", "LOG"), p + " denied nothing");
    }

    @Test
    void sentinelsFailOverWithTheDeclaredRulesOnly() {
        topology.awaitSettled(topology.master());
        assertSentinelLinksUse(topology.master(), NODE_USER, 6); // commands + pubsub of 3 sentinels
        for (ServerProcess s : topology.sentinels()) {
            assertSentinelLinksUse(s, PEER_USER, 2); // the commands link of the 2 others
        }
        ServerProcess old = topology.master();
        old.kill9();
        ServerProcess promoted = Failovers.awaitNewMaster(topology, old, 30_000);
        for (ServerProcess d : topology.dataNodes()) {
            if (d.isAlive()) {
                assertNoDenial(d);
            }
        }
        for (ServerProcess s : topology.sentinels()) {
            // the leader answers with the promoted replica before the failover ends: wait for its end
            Await.until(s + " to log +switch-master", 30_000, () -> s.logText().contains("+switch-master"), s::logText);
            assertNoDenial(s);
        }
        assertSentinelLinksUse(promoted, NODE_USER, 3);
    }

    @Test
    void theSentinelUsersCanDoNothingElse() {
        ServerProcess data = topology.replicas().get(0);
        for (String[] cmd : new String[][] {{"SET", "k", "v"}, {"GET", "k"}, {"FLUSHALL"}, {"CONFIG", "SET", "save", ""},
                {"REPLICAOF", "NO", "ONE"}, {"ACL", "LIST"}, {"DEBUG", "SLEEP", "0"}, {"SHUTDOWN"}}) {
            assertTrue(dryRun(data, NODE_USER, cmd).contains("has no permissions to run"),
                    String.join(" ", cmd) + ": " + dryRun(data, NODE_USER, cmd));
        }
        assertEquals("+OK\r\n", dryRun(data, NODE_USER, "SLAVEOF", "NO", "ONE"));
        assertTrue(dryRun(data, NODE_USER, "PUBLISH", "other", "x").contains("has no permissions to access"),
                "only the hello channel");
        ServerProcess s = topology.sentinels().get(0);
        for (String[] cmd : new String[][] {{"SENTINEL", "SET", "mymaster", "quorum", "1"}, {"SENTINEL", "FAILOVER",
                "mymaster"}, {"SENTINEL", "REMOVE", "mymaster"}, {"SHUTDOWN"}, {"ACL", "LIST"}}) {
            assertTrue(dryRun(s, PEER_USER, cmd).contains("has no permissions to run"), String.join(" ", cmd));
            assertTrue(dryRun(s, CLIENT_USER, cmd).contains("has no permissions to run"), String.join(" ", cmd));
        }
    }

    @Test
    void aClientWithTheClientRulesDiscoversTheMaster() {
        ServerProcess s = topology.sentinels().get(1);
        try (RespClient c = RespClient.connect(s.servingPort(), topology.clientTls())) {
            assertEquals("+OK\r\n", c.callString("AUTH", CLIENT_USER, PASS));
            assertTrue(c.callString("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster").startsWith("*2\r\n"));
            assertTrue(c.callString("SENTINEL", "REPLICAS", "mymaster").startsWith("*"));
            assertTrue(c.callString("SENTINEL", "SENTINELS", "mymaster").startsWith("*2\r\n"));
            assertTrue(c.callString("SENTINEL", "SET", "mymaster", "quorum", "1").startsWith("-NOPERM"));
            assertTrue(c.callString("SUBSCRIBE", "+switch-master").startsWith("*3\r\n$9\r\nsubscribe\r\n"));
        }
    }

    private static String dryRun(ServerProcess p, String user, String... cmd) {
        List<String> argv = new ArrayList<>(List.of("ACL", "DRYRUN", user));
        argv.addAll(List.of(cmd));
        return p.call(argv.toArray(new String[0]));
    }
}
