package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * examples/sentinel-ha/run.sh end to end, as its README walks through it: a master, two
 * replicas and three sentinels come up with their agents; Debian's redis-cli reads a write on a
 * replica; a user added on the master is used on a replica and on a sentinel; metrics are
 * scraped and the audit log verifies; the CA is rotated; failover.sh kills the master and the
 * client follows the sentinels to the new one, the other replica following it too; and SIGINT
 * to the whole process group leaves no process and no file behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelExampleTest {
    private static final List<String> ALL = List.of("node1", "node2", "node3", "sentinel1", "sentinel2", "sentinel3");
    private static ExampleRun run;
    private static ReadmeSteps readme;

    @BeforeAll
    static void start() throws Exception {
        run = ExampleRun.start("sentinel-ha", "--plain", "--leaf-lifetime", "1h");
        assertTrue(run.demo.output().contains("Sentinels ready"), run.demo.output());
        readme = new ReadmeSteps(Launched.root().resolve("examples/sentinel-ha/README.md"), run.dir.resolve("demo.env"));
    }

    @AfterAll
    static void stop() {
        if (run != null) {
            run.close();
        }
    }

    private static String cli(String name, String... args) throws Exception {
        return Walkthrough.run(run.redisCli(name, true, args));
    }

    @Test
    @Order(1)
    void connectReadOnAReplicaAskASentinel() throws Exception {
        String out = readme.run("Connect", 0);
        assertTrue(out.startsWith("127.0.0.1\n" + run.port("node1") + "\nOK\n"), out);
        assertEquals("2", cli("node1", "WAIT", "2", "5000"));
        out = readme.until(Duration.ofSeconds(10), "Connect", 0, o -> o.contains("OK\nhello\n"));
        assertTrue(out.contains("OK\nhello\n") && out.contains("connected_slaves:2"), out);
        assertTrue(out.contains(Integer.toString(run.port("node2"))) && out.contains(Integer.toString(run.port("node3"))),
                "SENTINEL REPLICAS names both: " + out);
        String refused = cli("node2", "SET", "greeting", "no");
        assertTrue(refused.startsWith("READONLY"), refused);
    }

    @Test
    @Order(2)
    void aUserAddedOnTheMasterWorksOnAReplicaAndASentinel() throws Exception {
        String out = readme.until(Duration.ofSeconds(20), "Add a user on one node, use it on another", 0,
                o -> o.startsWith("OK\nOK\none\nOK\n"));
        assertTrue(out.matches("(?s)OK\nOK\none\nOK\n.*NOPERM.*"), out);
    }

    @Test
    @Order(3)
    void metricsAreScrapedAndTheAuditLogVerifies() throws Exception {
        // a member's heartbeat can be late for a moment on a loaded machine: asked again, within a bound
        String metrics = readme.until(Duration.ofSeconds(30), "Scrape metrics", 0,
                o -> o.matches("(?s).*redmesh_mesh_members 6.0\n.*redmesh_mesh_members 6.0.*"));
        assertTrue(metrics.contains("redmesh_acl_info{") && metrics.contains("redmesh_tls_certificate_expiry_seconds{")
                && metrics.matches("(?s).*redmesh_mesh_members 6.0\n.*redmesh_mesh_members 6.0.*"), metrics);
        String audit = readme.run("Read the audit log", 0);
        assertTrue(audit.contains("\"action\":\"") && audit.matches("(?s).*OK \\d+ events.*OK \\d+ events.*"), audit);
    }

    @Test
    @Order(4)
    void theCaIsRotated() throws Exception {
        String rotated = readme.run("Rotate the CA", 0);
        String out = readme.until(Duration.ofSeconds(60), "Rotate the CA", 1, o -> o.startsWith("PONG\n"));
        assertTrue(out.startsWith("PONG\n") && out.contains("flags\nmaster\n"), rotated + "\n" + out);
        // no sentinel took the rotation for a failure: node1 is still the master
        String addr = Walkthrough.run(run.redisCli("sentinel2", false, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
        assertEquals("127.0.0.1\n" + run.port("node1"), addr, "the master after the CA rotation");
        for (String name : ALL) {
            List<String> newRootOnly = run.redisCli(name, false, "PING");
            newRootOnly.set(newRootOnly.indexOf("--cacert") + 1, run.env.get("CA_DIR") + "/ca.crt");
            assertEquals("PONG", Walkthrough.until(Duration.ofSeconds(60), newRootOnly, "PONG"::equals), name);
        }
    }

    @Test
    @Order(5)
    void failoverShKillsTheMasterAndTheClientFollows() throws Exception {
        String out = readme.run("Kill the master and watch the failover", 0);
        assertTrue(out.contains("The client follows: node"), out);
        String oldMaster = out.substring(out.indexOf("the master is ") + "the master is ".length()).split(" ")[0];
        String newMaster = out.substring(out.indexOf("The client follows: ") + "The client follows: ".length()).split(" ")[0];
        assertTrue(!newMaster.equals(oldMaster) && newMaster.startsWith("node"), out);
        String other = List.of("node1", "node2", "node3").stream().filter(n -> !n.equals(oldMaster) && !n.equals(newMaster))
                .findFirst().orElseThrow();
        // the other replica follows the new master, and the history came along
        String role = Walkthrough.until(Duration.ofSeconds(40), run.redisCli(other, true, "ROLE"),
                r -> r.startsWith("slave\n127.0.0.1\n" + run.port(newMaster) + "\nconnected"));
        assertTrue(role.startsWith("slave\n127.0.0.1\n" + run.port(newMaster)), other + " follows " + newMaster + ": " + role);
        assertTrue(Long.parseLong(cli(newMaster, "GET", "failover:counter")) >= 101);
        assertEquals("hello", cli(newMaster, "GET", "greeting"), "no acknowledged write was lost");
        run.demo.awaitLine(oldMaster + " exited", Duration.ofSeconds(10));
    }

    @Test
    @Order(6)
    void ctrlCToTheProcessGroupLeavesNothingBehind() throws Exception {
        List<Long> pids = new ArrayList<>();
        for (String name : ALL) {
            pids.add(run.pid(name));
        }
        run.ctrlCLeavesNothingBehind(pids);
    }
}
