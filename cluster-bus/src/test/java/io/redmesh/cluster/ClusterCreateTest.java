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
        sentToTheBusTheyChangeNothing(List.of(attempts));
    }

    /**
     * Sends each frame to node 0's bus on its own connection and waits until the node closes it;
     * then the node's view, the cluster's state and every node's failure flags are as before.
     */
    private static void sentToTheBusTheyChangeNothing(List<byte[]> frames) throws Exception {
        int port = bed.nodes.get(0).port();
        String addr = ClusterTestbed.myself(port)[1];
        int bus = Integer.parseInt(addr.substring(addr.indexOf('@') + 1));
        String before = nodeIdsAndSlots(port);
        for (byte[] frame : frames) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", bus)) {
                s.setSoTimeout(3000);
                s.getOutputStream().write(frame);
                s.getOutputStream().flush();
                s.shutdownOutput();
                s.getInputStream().readAllBytes(); // until the node closes the link
            }
        }
        assertEquals(before, nodeIdsAndSlots(port));
        assertEquals("ok", ClusterTestbed.clusterInfo(port, "cluster_state"));
        assertEquals("+PONG\r\n", ClusterTestbed.call(port, "PING"));
        for (ReplicatedNodeProcess p : bed.nodes) {
            assertFalse(markedFailed(ClusterTestbed.call(p.port(), "CLUSTER", "NODES")), p + " saw a failure");
        }
    }

    /**
     * Whether a CLUSTER NODES view flags a node FAIL, what a forged FAIL message would cause. A
     * PFAIL ("fail?") is only this node's suspicion, which a loaded machine's late PONG can cause
     * for a moment whatever the test sends; it is not counted.
     */
    private static boolean markedFailed(String nodes) {
        for (String line : nodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 2 && java.util.Arrays.asList(f[2].split(",")).contains("fail")) {
                return true;
            }
        }
        return false;
    }

    /**
     * CVE-2026-21863 and CVE-2026-92925 replayed on a live bus: a PING, PONG or MEET whose gossip
     * count, ping-extension count or ping-extension length reaches past the packet's end (what
     * made redis-server read out of bounds and crash). Each is judged against the packet's length
     * before anything is read: the link is closed, the node's view is unchanged, the cluster stays
     * ok and the node keeps answering.
     */
    @Test
    void cve2026_21863And92925_countsAndExtensionsPastThePacketChangeNothing() throws Exception {
        io.redmesh.cluster.bus.BusMessage ping = new io.redmesh.cluster.bus.BusMessage();
        ping.type = io.redmesh.cluster.bus.BusMessage.PING;
        ping.sender = "0000000000000000000000000000000000000bad";
        ping.hostname = "attacker.example";
        io.netty.buffer.ByteBuf encoded = io.netty.buffer.Unpooled.buffer();
        io.redmesh.cluster.bus.BusCodec.encode(ping, encoded);
        byte[] valid = new byte[encoded.readableBytes()];
        encoded.getBytes(0, valid);
        int ext = io.redmesh.cluster.bus.BusCodec.HEADER_LEN; // no gossip: the extension follows the header
        List<byte[]> attacks = new ArrayList<>();
        for (int type : new int[] {io.redmesh.cluster.bus.BusMessage.PING, io.redmesh.cluster.bus.BusMessage.PONG,
            io.redmesh.cluster.bus.BusMessage.MEET}) {
            for (int variant = 0; variant < 5; variant++) {
                java.nio.ByteBuffer a = java.nio.ByteBuffer.wrap(valid.clone());
                a.putShort(12, (short) type);
                switch (variant) {
                    case 0 -> a.putShort(14, (short) 1); // one gossip entry the packet does not hold
                    case 1 -> a.putShort(14, (short) 0xffff); // the largest count
                    case 2 -> a.putShort(2214, (short) 200); // extensions past the packet
                    case 3 -> a.putInt(ext, 4096); // an extension longer than what is left
                    default -> a.putInt(ext, 0x7ffffff8); // an extension length near 2^31
                }
                attacks.add(a.array());
            }
        }
        sentToTheBusTheyChangeNothing(attacks);
    }

    /**
     * Sharded pub/sub across a shard: SSUBSCRIBE is served by the slot's master and its replica
     * and redirected elsewhere; SPUBLISH on either reaches the subscribers of both (PUBLISHSHARD
     * over the bus) and no other node's; when the slot moves to another master, the shard's
     * subscribers are told "sunsubscribe"; the slot then moves back.
     */
    @Test
    void shardMessagesReachTheShardAndFollowTheSlot() throws Exception {
        String channel = "{news}shard";
        int slot = Integer.parseInt(ClusterTestbed.call(bed.nodes.get(0).port(), "CLUSTER", "KEYSLOT", channel)
                .replaceAll("[^0-9]", ""));
        ReplicatedNodeProcess master = null;
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (ClusterTestbed.isMaster(p.port()) && ownsSlot(p.port(), slot)) {
                master = p;
            }
        }
        assertTrue(master != null, "a master serves slot " + slot);
        String masterId = ClusterTestbed.myself(master.port())[0];
        ReplicatedNodeProcess replica = null;
        ReplicatedNodeProcess other = null;
        for (ReplicatedNodeProcess p : bed.nodes) {
            String[] me = ClusterTestbed.myself(p.port());
            if (me[3].equals(masterId)) {
                replica = p;
            } else if (p != master && ClusterTestbed.isMaster(p.port())) {
                other = p;
            }
        }
        assertTrue(replica != null && other != null, "the master's replica and another master");
        // Shard messages go only to the nodes the master knows as its shard over a live link (as
        // 7.0's clusterGetNodesServingMySlots): wait until both ends see each other that way.
        String replicaId = ClusterTestbed.myself(replica.port())[0];
        int masterPort = master.port();
        int replicaPort = replica.port();
        io.redmesh.replication.testing.Await.until("the master and its replica to be linked", 20_000,
                () -> linkedAs(masterPort, replicaId, "slave " + masterId) && linkedAs(replicaPort, masterId, "master -"),
                () -> ClusterTestbed.call(masterPort, "CLUSTER", "NODES") + ClusterTestbed.call(replicaPort, "CLUSTER", "NODES"));
        try (io.redmesh.node.testing.RespClient onMaster = io.redmesh.node.testing.RespClient.connect(master.port());
             io.redmesh.node.testing.RespClient onReplica = io.redmesh.node.testing.RespClient.connect(replica.port());
             io.redmesh.node.testing.RespClient onOther = io.redmesh.node.testing.RespClient.connect(other.port())) {
            assertEquals("*3\r\n$10\r\nssubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n",
                    onMaster.callString("SSUBSCRIBE", channel));
            assertEquals("*3\r\n$10\r\nssubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:1\r\n",
                    onReplica.callString("SSUBSCRIBE", channel), "a replica serves its master's shard channels");
            assertTrue(onOther.callString("SSUBSCRIBE", channel).startsWith("-MOVED " + slot + " "),
                    "another master redirects");
            String smessage = "*3\r\n$8\r\nsmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$";
            assertEquals(":1\r\n", ClusterTestbed.call(master.port(), "SPUBLISH", channel, "from-master"));
            assertEquals(smessage + "11\r\nfrom-master\r\n", onMaster.readReplyString());
            assertEquals(smessage + "11\r\nfrom-master\r\n", onReplica.readReplyString(), "PUBLISHSHARD reached the replica");
            assertEquals(":1\r\n", ClusterTestbed.call(replica.port(), "SPUBLISH", channel, "from-replica"));
            assertEquals(smessage + "12\r\nfrom-replica\r\n", onReplica.readReplyString());
            assertEquals(smessage + "12\r\nfrom-replica\r\n", onMaster.readReplyString(), "and back to the master");

            // the slot (no keys in it) moves to the other master: the shard's subscribers are let go
            moveSlot(slot, master, other);
            String sunsubscribe = "*3\r\n$12\r\nsunsubscribe\r\n$" + channel.length() + "\r\n" + channel + "\r\n:0\r\n";
            assertEquals(sunsubscribe, onMaster.readReplyString(), "the old master lets its subscriber go");
            assertEquals(sunsubscribe, onReplica.readReplyString(), "so does its replica");
            moveSlot(slot, other, master);
        }
        for (ReplicatedNodeProcess p : bed.nodes) {
            io.redmesh.replication.testing.Await.until(p + " to see slot " + slot + " back at " + masterId, 20_000,
                    () -> ownerSeenBy(p.port(), slot).equals(masterId), () -> ClusterTestbed.call(p.port(), "CLUSTER", "NODES"));
        }
    }

    /**
     * Moves a slot without keys as redis-cli --cluster reshard does: IMPORTING on the target,
     * MIGRATING on the owner, then SETSLOT NODE on the target first (which bumps its config
     * epoch, so every node accepts its claim) and on every other master.
     */
    private static void moveSlot(int slot, ReplicatedNodeProcess from, ReplicatedNodeProcess to) {
        String s = Integer.toString(slot);
        String fromId = ClusterTestbed.myself(from.port())[0];
        String toId = ClusterTestbed.myself(to.port())[0];
        assertEquals("+OK\r\n", ClusterTestbed.call(to.port(), "CLUSTER", "SETSLOT", s, "IMPORTING", fromId));
        assertEquals("+OK\r\n", ClusterTestbed.call(from.port(), "CLUSTER", "SETSLOT", s, "MIGRATING", toId));
        assertEquals("+OK\r\n", ClusterTestbed.call(to.port(), "CLUSTER", "SETSLOT", s, "NODE", toId));
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (p != to && ClusterTestbed.isMaster(p.port())) {
                assertEquals("+OK\r\n", ClusterTestbed.call(p.port(), "CLUSTER", "SETSLOT", s, "NODE", toId));
            }
        }
    }

    /** Whether {@code port}'s node lists {@code id} with {@code role} ("slave <master>" or "master -") and a live link. */
    private static boolean linkedAs(int port, String id, String role) {
        for (String line : ClusterTestbed.call(port, "CLUSTER", "NODES").split("\n")) {
            if (line.startsWith(id + " ") && line.contains(role + " ") && line.contains(" connected")) {
                return true;
            }
        }
        return false;
    }

    private static boolean ownsSlot(int port, int slot) {
        return ownerSeenBy(port, slot).equals(ClusterTestbed.myself(port)[0]);
    }

    /** The id of the node that {@code port}'s node says serves {@code slot} (CLUSTER NODES). */
    private static String ownerSeenBy(int port, int slot) {
        for (String line : ClusterTestbed.call(port, "CLUSTER", "NODES").split("\n")) {
            String[] f = line.trim().split(" ");
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-");
                if (range[0].startsWith("[")) {
                    continue;
                }
                int lo = Integer.parseInt(range[0]);
                int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                if (slot >= lo && slot <= hi) {
                    return f[0];
                }
            }
        }
        return "";
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
        for (ReplicatedNodeProcess p : bed.nodes) {
            if (ClusterTestbed.call(p.port(), "RPUSH", "foo:list", "2", "1").startsWith(":")) {
                // SORT's patterns would read keys of any slot: 7.0 refuses them in cluster mode
                assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", ClusterTestbed.call(p.port(), "SORT", "foo:list"));
                assertEquals("-ERR BY option of SORT denied in Cluster mode.\r\n",
                        ClusterTestbed.call(p.port(), "SORT", "foo:list", "BY", "w_*"));
                assertEquals("-ERR GET option of SORT denied in Cluster mode.\r\n",
                        ClusterTestbed.call(p.port(), "SORT_RO", "foo:list", "GET", "#"));
                assertEquals("*2\r\n$1\r\n2\r\n$1\r\n1\r\n", ClusterTestbed.call(p.port(), "SORT", "foo:list", "BY", "nosort"));
                assertTrue(ClusterTestbed.call(p.port(), "SORT", "foo:list", "STORE", "other").startsWith("-CROSSSLOT"),
                        "STORE's key is routed like any key");
                assertEquals(":1\r\n", ClusterTestbed.call(p.port(), "DEL", "foo:list"));
            }
        }
    }
}
