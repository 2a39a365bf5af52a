package io.redmesh.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.cluster.testing.ClusterTestbed;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Six RedMesh nodes made a cluster by Debian's redis-cli --cluster create (3 masters, 3
 * replicas), then judged by redis-cli --cluster check and by what clients see: -MOVED,
 * -CROSSSLOT, SELECT refused.
 */
class ClusterCreateTest {
    @TempDir
    static Path dir;
    static ClusterTestbed bed;

    @BeforeAll
    static void create() throws Exception {
        bed = new ClusterTestbed(dir).start(6);
        List<String> args = new ArrayList<>(List.of("--cluster", "create"));
        args.addAll(bed.addresses());
        args.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        ClusterTestbed.Result r = ClusterTestbed.redisCli(120, args);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("[OK] All 16384 slots covered."), r.output());
        bed.awaitOk(6, 30_000);
    }

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void redisCliCheckIsClean() throws Exception {
        ClusterTestbed.Result r = ClusterTestbed.redisCli(60, List.of("--cluster", "check", bed.addresses().get(0)));
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("[ERR]"), r.output());
        assertTrue(r.output().contains("[OK] All nodes agree about slots configuration."), r.output());
        assertTrue(r.output().contains("[OK] All 16384 slots covered."), r.output());
    }

    @Test
    void garbageAndTruncatedBusMessagesChangeNothing() throws Exception {
        int port = bed.nodes.get(0).port();
        String addr = ClusterTestbed.myself(port)[1];
        int bus = Integer.parseInt(addr.substring(addr.indexOf('@') + 1));
        String before = nodeIdsAndSlots(port);
        byte[] garbage = new byte[5000];
        new java.util.Random(7).nextBytes(garbage);
        // a FAIL about a real node from a sender nobody knows, a truncated PING, random bytes
        io.redmesh.cluster.bus.BusMessage fail = new io.redmesh.cluster.bus.BusMessage();
        fail.type = io.redmesh.cluster.bus.BusMessage.FAIL;
        fail.sender = "0000000000000000000000000000000000000bad";
        fail.about = ClusterTestbed.myself(bed.nodes.get(1).port())[0];
        io.netty.buffer.ByteBuf failBytes = io.netty.buffer.Unpooled.buffer();
        io.redmesh.cluster.bus.BusCodec.encode(fail, failBytes);
        io.redmesh.cluster.bus.BusMessage ping = new io.redmesh.cluster.bus.BusMessage();
        ping.type = io.redmesh.cluster.bus.BusMessage.PING;
        ping.sender = fail.sender;
        io.netty.buffer.ByteBuf pingBytes = io.netty.buffer.Unpooled.buffer();
        io.redmesh.cluster.bus.BusCodec.encode(ping, pingBytes);
        byte[][] attempts = {garbage, java.util.Arrays.copyOf(pingBytes.array(), 100),
            java.util.Arrays.copyOf(failBytes.array(), failBytes.readableBytes())};
        for (byte[] attempt : attempts) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", bus)) {
                s.setSoTimeout(3000);
                s.getOutputStream().write(attempt);
                s.getOutputStream().flush();
                s.shutdownOutput();
                s.getInputStream().readAllBytes(); // until the node closes the link
            }
        }
        assertEquals(before, nodeIdsAndSlots(port));
        assertEquals("ok", ClusterTestbed.clusterInfo(port, "cluster_state"));
        for (ReplicatedNodeProcess p : bed.nodes) {
            assertFalse(ClusterTestbed.call(p.port(), "CLUSTER", "NODES").contains("fail"), p + " saw a failure");
        }
    }

    /** Each node's id, role and slots (not the timing columns). */
    private static String nodeIdsAndSlots(int port) {
        StringBuilder b = new StringBuilder();
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
                ClusterTestbed.call(port, "CLUSTER", "NODES").split("\n")));
        java.util.Collections.sort(lines);
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length >= 8) {
                b.append(f[0]).append(' ').append(f[2]).append(' ').append(f[3]);
                for (int i = 8; i < f.length; i++) {
                    b.append(' ').append(f[i].trim());
                }
                b.append('\n');
            }
        }
        return b.toString();
    }

    @Test
    void clientsAreRedirectedToTheSlotsMaster() {
        int moved = 0;
        int served = 0;
        for (ReplicatedNodeProcess p : bed.nodes) {
            String reply = ClusterTestbed.call(p.port(), "SET", "foo", "bar");
            if (reply.startsWith("-MOVED 12182 127.0.0.1:")) {
                moved++;
            } else if (reply.equals("+OK\r\n")) {
                served++;
            } else {
                throw new AssertionError(p + " answered SET foo with " + reply);
            }
        }
        assertEquals(1, served, "exactly one master serves slot 12182");
        assertEquals(5, moved);
        assertEquals("-CROSSSLOT Keys in request don't hash to the same slot\r\n",
                ClusterTestbed.call(bed.nodes.get(0).port(), "MSET", "a", "1", "b", "2"));
        assertEquals("-ERR SELECT is not allowed in cluster mode\r\n",
                ClusterTestbed.call(bed.nodes.get(0).port(), "SELECT", "1"));
        assertEquals(":12182\r\n", ClusterTestbed.call(bed.nodes.get(0).port(), "CLUSTER", "KEYSLOT", "foo"));
    }
}
