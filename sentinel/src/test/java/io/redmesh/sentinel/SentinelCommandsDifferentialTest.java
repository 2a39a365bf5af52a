package io.redmesh.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.Await;
import io.redmesh.sentinel.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same SENTINEL commands (and ROLE, PUBLISH, PING, INFO sentinel, COMMAND, unknown commands)
 * sent to Debian's redis-sentinel 7.0.15 and to a RedMesh sentinel, each watching its own real
 * redis-server master (with one replica) under the same name: the replies must be the same bytes,
 * after the values that cannot be (ports of the two masters, run ids, millisecond ages) are
 * replaced by placeholders. Then the config files both rewrote must hold the same sentinel lines.
 */
class SentinelCommandsDifferentialTest {
    static RedisProcess redisMaster;
    static RedisProcess redisReplica;
    static RedisProcess ourMaster;
    static RedisProcess ourReplica;
    static ServerProcess real;
    static ServerProcess ours;
    static Path dir;

    static final String CONF = "sentinel monitor mymaster 127.0.0.1 %d 1\n"
            + "sentinel down-after-milliseconds mymaster 60000\n"
            + "sentinel failover-timeout mymaster 120000\n"
            + "sentinel auth-pass mymaster not-needed\n";

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ServerProcess.redisAvailable(), "Debian's redis-server and redis-sentinel");
        dir = Files.createTempDirectory("sentinel-diff");
        redisMaster = RedisProcess.start();
        redisReplica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(redisMaster.port()));
        ourMaster = RedisProcess.start();
        ourReplica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(ourMaster.port()));
        real = ServerProcess.spec(ServerProcess.Kind.REDIS_SENTINEL, "redis-sentinel", dir.resolve("real"))
                .sentinelConf(String.format(CONF, redisMaster.port())).start();
        ours = ServerProcess.spec(ServerProcess.Kind.REDMESH_SENTINEL, "redmesh-sentinel", dir.resolve("ours"))
                .sentinelConf(String.format(CONF, ourMaster.port())).start();
        for (ServerProcess s : List.of(real, ours)) {
            Await.until(s + " to find the replica", 20_000, () -> {
                try (RespClient c = s.client()) {
                    return c.callString("SENTINEL", "REPLICAS", "mymaster").contains("master-link-status\r\n$2\r\nok");
                }
            }, () -> s.logText());
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {ours, real, ourReplica, ourMaster, redisReplica, redisMaster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** What cannot be the same: each side's own ports, run ids and ids, and ages in milliseconds. */
    static String normalize(String reply, ServerProcess s, RedisProcess master, RedisProcess replica) {
        String r = reply.replace(":" + master.port(), ":<master-port>")
                .replace(Integer.toString(master.port()), "<master-port>")
                .replace(Integer.toString(replica.port()), "<replica-port>")
                .replace(Integer.toString(s.port()), "<sentinel-port>");
        r = r.replaceAll("[0-9a-f]{40}", "<id>");
        return r.replaceAll("\\$2\r\nid\r\n:\\d+", "\\$2\r\nid\r\n:<client-id>");
    }

    /** Replies whose values include ages and counters: only the field names and the fixed values. */
    static String fieldsOf(String reply) {
        Matcher m = Pattern.compile("\\$\\d+\r\n([^\r]*)\r\n").matcher(reply);
        List<String> all = new ArrayList<>();
        while (m.find()) {
            all.add(m.group(1));
        }
        Map<String, String> fixed = new TreeMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i + 1 < all.size(); i += 2) {
            names.add(all.get(i));
            if (List.of("name", "ip", "flags", "role-reported", "quorum", "failover-timeout", "parallel-syncs",
                    "down-after-milliseconds", "config-epoch", "num-slaves", "num-other-sentinels",
                    "master-link-status", "master-host", "slave-priority", "replica-announced").contains(all.get(i))) {
                fixed.put(all.get(i), all.get(i + 1));
            }
        }
        return names + " " + fixed;
    }

    private static String[] both(String... cmd) {
        String a;
        String b;
        try (RespClient c = real.client()) {
            a = normalize(c.callString(cmd), real, redisMaster, redisReplica);
        }
        try (RespClient c = ours.client()) {
            b = normalize(c.callString(cmd), ours, ourMaster, ourReplica);
        }
        return new String[] {a, b};
    }

    static void same(String... cmd) {
        String[] r = both(cmd);
        assertEquals(r[0], r[1], "reply to " + Arrays.toString(cmd));
    }

    @Test
    void repliesAndErrorsAreRedis() {
        same("PING");
        same("SENTINEL", "HELP");
        same("SENTINEL", "NOSUCHSUB");
        same("SENTINEL");
        same("SENTINEL", "MYID", "extra");
        same("SENTINEL", "MASTER", "nosuch");
        same("SENTINEL", "REPLICAS", "nosuch");
        same("SENTINEL", "SLAVES", "nosuch");
        same("SENTINEL", "SENTINELS", "nosuch");
        same("SENTINEL", "SENTINELS", "mymaster");
        same("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch");
        same("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster");
        same("SENTINEL", "FAILOVER", "nosuch");
        same("SENTINEL", "CKQUORUM", "mymaster");
        same("SENTINEL", "CKQUORUM", "nosuch");
        same("SENTINEL", "RESET", "nomatch*");
        same("SENTINEL", "INFO-CACHE", "nosuch");
        same("SENTINEL", "PENDING-SCRIPTS");
        same("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*");
        same("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "x", "*");
        same("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "10.9.9.9", "1", "0", "*");
        same("SENTINEL", "SIMULATE-FAILURE", "help");
        same("SENTINEL", "SIMULATE-FAILURE", "nonsense");
        same("SENTINEL", "DEBUG");
        same("SENTINEL", "DEBUG", "no-such-param", "1");
        same("SENTINEL", "DEBUG", "info-period");
        same("SENTINEL", "DEBUG", "ping-period", "x");
        same("SENTINEL", "DEBUG", "ping-period", "-1");
        same("SENTINEL", "CONFIG", "GET", "*");
        same("SENTINEL", "CONFIG", "GET", "announce-*");
        same("SENTINEL", "CONFIG", "SET", "no-such", "1");
        same("SENTINEL", "CONFIG", "SET", "announce-port", "x");
        same("SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe");
        same("SENTINEL", "CONFIG", "NOSUCH");
        same("SENTINEL", "CONFIG", "GET");
        same("SENTINEL", "SET", "nosuch", "quorum", "1");
        same("SENTINEL", "SET", "mymaster", "no-such-option", "1");
        same("SENTINEL", "SET", "mymaster", "quorum", "zero");
        same("SENTINEL", "SET", "mymaster", "quorum", "0");
        same("SENTINEL", "SET", "mymaster", "notification-script", "/bin/true");
        same("SENTINEL", "SET", "mymaster", "rename-command", "CONFIG");
        same("SENTINEL", "MONITOR", "m2", "127.0.0.1", "6379", "x");
        same("SENTINEL", "MONITOR", "m2", "127.0.0.1", "x", "2");
        same("SENTINEL", "MONITOR", "m2", "127.0.0.1", "6379", "0");
        same("SENTINEL", "MONITOR", "m2", "not-an-address", "6379", "2");
        same("SENTINEL", "MONITOR", "m2", "127.0.0.1", "70000", "2");
        same("SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "6379", "2");
        same("SENTINEL", "MONITOR", "m3", "127.0.0.1", "6399", "2");
        String[] m3 = both("SENTINEL", "MASTER", "m3");
        assertEquals(fieldsOf(m3[0]), fieldsOf(m3[1]), "SENTINEL MASTER of an unreachable master");
        same("SENTINEL", "REMOVE", "m3");
        same("SENTINEL", "REMOVE", "m3");
        same("SENTINEL", "SET", "mymaster", "down-after-milliseconds", "50000", "parallel-syncs", "2");
        same("SENTINEL", "SET", "mymaster", "auth-pass", "");
        same("ROLE");
        same("PUBLISH", "some-channel", "x");
        same("PUBLISH", "__sentinel__:hello", "not,a,hello");
        same("GET", "k");
        same("CONFIG", "GET", "port");
        same("COMMAND", "COUNT");
        same("CLIENT", "SETNAME", "differential");
        same("CLIENT", "GETNAME");
        same("SENTINEL", "FLUSHCONFIG");
        same("HELLO", "3");
        same("HELLO", "2");
    }

    @Test
    void stateRepliesHaveRedisFields() {
        // The replies' fields are compared, not the links' health: both sentinels first see their
        // master connected (a link being re-made at that instant reads "master,disconnected").
        for (ServerProcess s : List.of(real, ours)) {
            Await.until(s + " to have its master link up", 10_000, () -> {
                try (RespClient c = s.client()) {
                    return !c.callString("SENTINEL", "MASTER", "mymaster").contains("disconnected");
                }
            }, () -> s.logText());
        }
        for (String[] cmd : List.of(new String[] {"SENTINEL", "MASTER", "mymaster"},
                new String[] {"SENTINEL", "MASTERS"}, new String[] {"SENTINEL", "REPLICAS", "mymaster"})) {
            String[] r = both(cmd);
            assertEquals(fieldsOf(r[0]), fieldsOf(r[1]), Arrays.toString(cmd) + "\nreal: " + r[0] + "\nours: " + r[1]);
        }
        String[] info = both("INFO", "sentinel");
        assertEquals(info[0], info[1]);
        String[] cache = both("SENTINEL", "INFO-CACHE", "mymaster");
        assertTrue(cache[1].startsWith("*2\r\n$8\r\nmymaster\r\n*2\r\n*2\r\n:"), cache[1]);
        String[] myid = both("SENTINEL", "MYID");
        assertEquals("$40\r\n<id>\r\n", myid[1]);
        assertEquals(myid[0], myid[1]);
    }

    /** SENTINEL FLUSHCONFIG writes the same sentinel lines in the same order. */
    @Test
    void rewrittenConfigHasRedisSentinelLines() throws Exception {
        same("SENTINEL", "SET", "mymaster", "quorum", "1", "failover-timeout", "120000");
        same("SENTINEL", "FLUSHCONFIG");
        assertEquals(sentinelLines(real, redisMaster, redisReplica), sentinelLines(ours, ourMaster, ourReplica));
    }

    private static List<String> sentinelLines(ServerProcess s, RedisProcess master, RedisProcess replica)
            throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(s.configFile())) {
            if (l.startsWith("sentinel ") && !l.startsWith("sentinel known-sentinel")) {
                out.add(normalize(l, s, master, replica));
            }
        }
        return out;
    }
}
