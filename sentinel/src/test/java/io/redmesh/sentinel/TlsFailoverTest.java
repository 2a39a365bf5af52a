package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.TestCertificates;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.ServerProcess;
import io.redmesh.sentinel.testing.Sentinels;
import io.redmesh.sentinel.testing.Topology;
import io.redmesh.sentinel.testing.Writers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The first test: 3 RedMesh sentinels, a RedMesh master and 2 replicas, TLS on every
 * link with client certificates. kill -9 of the master; Jedis (its sentinel pool, separate TLS
 * configs for master and sentinels, hostname verification on) and Lettuce (sentinel RedisURI
 * with TLS, full verification) keep writing and reconnect to the new master; Debian's redis-cli
 * over TLS sees SENTINEL GET-MASTER-ADDR-BY-NAME follow; the remaining replica follows the new
 * master; every sentinel logged Redis's sequence of events.
 */
class TlsFailoverTest {
    static TestCertificates certs;
    static Topology topology;
    /** Where the sentinels' notification and client-reconfig scripts write their arguments. */
    static Path scriptCalls;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create();
        Path scripts = Files.createTempDirectory("sentinel-scripts");
        scriptCalls = scripts.resolve("calls.log");
        Path script = scripts.resolve("record.sh");
        Files.writeString(script, "#!/bin/sh\necho \"$*\" >> " + scriptCalls + "\n");
        script.toFile().setExecutable(true);
        topology = Topology.create().tls(certs).sentinelConf("sentinel notification-script mymaster " + script
                + "\nsentinel client-reconfig-script mymaster " + script + "\n").start();
    }

    @AfterAll
    static void stop() {
        Topology.close(topology, certs);
    }

    @Test
    void killMinus9OfTheMasterAndClientsFollow() throws Exception {
        ServerProcess old = topology.master();
        try (Writers jedis = Writers.jedis(topology, "jedis"); Writers lettuce = Writers.lettuce(topology, "lettuce")) {
            Await.until("both clients writing to " + old, 60_000, () -> jedis.ok.get() >= 20 && lettuce.ok.get() >= 20,
                    () -> jedis + "; " + lettuce);
            old.kill9();
            long killed = System.currentTimeMillis();
            for (ServerProcess s : topology.sentinels()) {
                Await.until(s + " to announce a replica as the new master", 30_000,
                        () -> {
                            int p = Sentinels.masterPort(s);
                            return p > 0 && p != old.servingPort();
                        }, () -> Sentinels.masterAddress(s) + "\n" + topology.logs());
            }
            int newPort = Sentinels.masterPort(topology.sentinels().get(0));
            for (ServerProcess s : topology.sentinels()) {
                assertEquals(newPort, Sentinels.masterPort(s), s + " agrees on the new master");
            }
            ServerProcess promoted = topology.dataNode(newPort);
            assertEquals("127.0.0.1:" + newPort, redisCliMasterAddress(topology.sentinels().get(2)),
                    "redis-cli over TLS follows");
            long jedisAtSwitch = jedis.ok.get();
            long lettuceAtSwitch = lettuce.ok.get();
            Await.until("both clients writing to the new master " + promoted, 60_000,
                    () -> jedis.ok.get() >= jedisAtSwitch + 20 && lettuce.ok.get() >= lettuceAtSwitch + 20,
                    () -> jedis + "; " + lettuce);
            long recovered = System.currentTimeMillis() - killed;
            // what both acknowledged lately is on the new master
            for (Writers w : List.of(jedis, lettuce)) {
                List<String> keys = w.acknowledgedAfter(w.ok.get() - 5);
                try (RespClient c = promoted.client()) {
                    for (String k : keys) {
                        assertTrue(c.callString("GET", k).startsWith("$"), k + " acknowledged by " + w + " is on " + promoted);
                    }
                }
            }
            assertTrue(recovered < 30_000, "clients wrote again " + recovered + " ms after the kill");
        }
        ServerProcess other = topology.replicas().stream().filter(r -> r.servingPort() != Sentinels.masterPort(
                topology.sentinels().get(0))).findFirst().orElseThrow();
        int newPort = Sentinels.masterPort(topology.sentinels().get(0));
        Await.until(other + " to replicate from the new master :" + newPort, 30_000, () -> {
            var repl = topology.info(other, "replication");
            return Integer.toString(newPort).equals(repl.get("master_port")) && "up".equals(repl.get("master_link_status"));
        }, () -> topology.info(other, "replication").toString());
        List<String> logs = new ArrayList<>();
        for (ServerProcess s : topology.sentinels()) {
            // each saw it down and switched; ODOWN and the vote may be skipped by a sentinel that
            // hears the leader's new configuration first, as in Redis
            for (String e : List.of("+sdown master mymaster",
                    "+switch-master mymaster 127.0.0.1 " + old.servingPort() + " 127.0.0.1 " + newPort)) {
                // the leader switches once the last replica is reconfigured (after the others)
                Await.until(s + " to log " + e, 30_000, () -> s.logText().contains(e), s::logText);
            }
        }
        for (ServerProcess s : topology.sentinels()) {
            logs.add(s.logText());
        }
        String all = String.join("\n", logs);
        for (String e : List.of("+odown master mymaster", "+new-epoch 1", "+vote-for-leader",
                "+try-failover master mymaster", "+elected-leader master mymaster",
                "+failover-state-select-slave master mymaster", "+selected-slave slave 127.0.0.1:" + newPort,
                "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion", "+promoted-slave slave",
                "+failover-state-reconf-slaves master mymaster", "+slave-reconf-sent", "+failover-end master mymaster")) {
            assertTrue(all.contains(e), "the leader logged " + e);
        }
        assertNotEquals(old.servingPort(), newPort);
        // the scripts ran with Redis's arguments: the event and its description; the master's
        // name, role, state and the old and new addresses
        String sdown = "+sdown master mymaster 127.0.0.1 " + old.servingPort();
        String reconf = "mymaster leader start 127.0.0.1 " + old.servingPort() + " 127.0.0.1 " + newPort;
        Await.until("the scripts to record '" + sdown + "' and '" + reconf + "'", 30_000,
                () -> scriptCalls().lines().anyMatch(sdown::equals) && scriptCalls().lines().anyMatch(reconf::equals),
                TlsFailoverTest::scriptCalls);
    }

    static String scriptCalls() {
        try {
            return Files.exists(scriptCalls) ? Files.readString(scriptCalls) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Debian's redis-cli over TLS with the harness's client certificate. */
    static String redisCliMasterAddress(ServerProcess sentinel) throws IOException, InterruptedException {
        TestCertificates.Identity me = topology.harness();
        Process p = new ProcessBuilder("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(sentinel.servingPort()),
                "--tls", "--cacert", certs.ca().certFile().toString(), "--cert", me.certFile().toString(),
                "--key", me.keyFile().toString(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", Topology.MASTER_NAME)
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "redis-cli answered");
        String[] lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
        return lines.length == 2 ? lines[0].trim() + ":" + lines[1].trim() : String.join("|", lines);
    }
}
