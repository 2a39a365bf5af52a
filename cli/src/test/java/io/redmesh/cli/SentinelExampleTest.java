package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
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

    @BeforeAll
    static void start() throws Exception {
        run = ExampleRun.start("sentinel-ha", "--plain", "--leaf-lifetime", "1h");
        assertTrue(run.demo.output().contains("Sentinels ready"), run.demo.output());
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
    void replicasServeTheMastersWrites() throws Exception {
        assertEquals("OK", cli("node1", "SET", "greeting", "hello"));
        assertEquals("2", cli("node1", "WAIT", "2", "5000"));
        assertEquals("hello", cli("node3", "GET", "greeting"));
        String refused = cli("node2", "SET", "greeting", "no");
        assertTrue(refused.startsWith("READONLY"), refused);
        String addr = Walkthrough.run(run.redisCli("sentinel2", false, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"));
        assertEquals("127.0.0.1\n" + run.port("node1"), addr);
    }

    @Test
    @Order(2)
    void aUserAddedOnTheMasterWorksOnAReplicaAndASentinel() throws Exception {
        assertEquals("OK", cli("node1", "ACL", "SETUSER", "app", "on", ">app-secret", "~app:*", "+@read", "+@write"));
        assertEquals("OK", cli("node1", "SET", "app:1", "one"));
        List<String> onReplica = run.redisCli("node3", false, "--user", "app", "--pass", "app-secret", "GET", "app:1");
        assertEquals("one", Walkthrough.until(Duration.ofSeconds(20), onReplica, "one"::equals));
        List<String> onSentinel = run.redisCli("sentinel3", false, "AUTH", "app", "app-secret");
        assertEquals("OK", Walkthrough.until(Duration.ofSeconds(20), onSentinel, "OK"::equals));
        String refused = Walkthrough.run(run.redisCli("node2", false, "--user", "app", "--pass", "app-secret", "GET", "greeting"));
        assertTrue(refused.contains("NOPERM"), refused);
    }

    @Test
    @Order(3)
    void metricsAreScrapedAndTheAuditLogVerifies() throws Exception {
        for (String name : List.of("node1", "node2", "sentinel1")) {
            String m = Walkthrough.scrape(run.metrics(name));
            assertTrue(m.startsWith("200\n") && m.contains("redmesh_acl_info{") && m.contains("redmesh_mesh_members 6.0"),
                    name + ": " + m);
        }
        for (String name : List.of("node1", "sentinel1")) {
            String audit = Walkthrough.redmesh("audit", "verify", run.dir.resolve(name + "/agent/audit.jsonl").toString());
            assertTrue(audit.matches("(?s).*OK \\d+ events.*"), name + ": " + audit);
        }
        assertTrue(Files.readString(run.dir.resolve("node1/agent/audit.jsonl")).contains("\"subject\":\"app\""));
    }

    @Test
    @Order(4)
    void theCaIsRotated() throws Exception {
        run.rotateCa(ALL);
        String flags = Walkthrough.run(run.redisCli("sentinel1", false, "SENTINEL", "MASTER", "mymaster"));
        assertTrue(flags.contains("flags\nmaster\n"), "the sentinels still see the master up: " + flags);
    }

    @Test
    @Order(5)
    void failoverShKillsTheMasterAndTheClientFollows() throws Exception {
        List<String> cmd = List.of(Launched.root().resolve("examples/sentinel-ha/failover.sh").toString(),
                run.dir.resolve("demo.env").toString());
        String out = Walkthrough.run(cmd);
        assertTrue(out.contains("The client follows: node"), out);
        String newMaster = out.substring(out.indexOf("The client follows: ") + "The client follows: ".length()).split(" ")[0];
        assertTrue(newMaster.equals("node2") || newMaster.equals("node3"), out);
        String other = newMaster.equals("node2") ? "node3" : "node2";
        // the other replica follows the new master, and the counter's history came along
        String role = Walkthrough.until(Duration.ofSeconds(40), run.redisCli(other, true, "ROLE"),
                r -> r.startsWith("slave\n127.0.0.1\n" + run.port(newMaster) + "\nconnected"));
        assertTrue(role.startsWith("slave\n127.0.0.1\n" + run.port(newMaster)), other + " follows " + newMaster + ": " + role);
        assertTrue(Long.parseLong(cli(newMaster, "GET", "failover:counter")) >= 101);
        assertEquals("hello", cli(newMaster, "GET", "greeting"), "no acknowledged write was lost");
        run.demo.awaitLine("node1 exited", Duration.ofSeconds(10));
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
