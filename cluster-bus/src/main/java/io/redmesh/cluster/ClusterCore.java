package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusLink;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.bus.BusTransport;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.NodesFile;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.cluster.ReplicationRole;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The heart of cluster mode, shared by the bus handler, the cron, failover and the commands:
 * the state, myself's addresses, building and sending messages (clusterBuildMessageHdr,
 * clusterSendPing), links, and clusterBeforeSleep's work (state update, config save). Every
 * method runs under the keyspace lock.
 */
final class ClusterCore {
    final NodeControl node;
    final ClusterSettings settings;
    final ClusterState state = new ClusterState();
    final NodesFile file;
    BusTransport transport;
    /** Masters: when this node was last found among the minority (rejoin delay). */
    long amongMinorityTime;
    /** Start-up: masters wait before accepting writes (CLUSTER_WRITABLE_DELAY). */
    final long startMillis = System.currentTimeMillis();
    long stateChangedAt;
    final ManualFailover manual = new ManualFailover();
    /** A replica asked replication to follow its master since it last changed role. */
    boolean replicating;

    ClusterCore(NodeControl node, ClusterSettings settings, NodesFile file) {
        this.node = node;
        this.settings = settings;
        this.file = file;
    }

    ClusterNode myself() {
        return state.myself;
    }

    ReplicationRole replication() {
        return node.replicationRole();
    }

    // ------------------------------------------------------------------ myself's addresses

    /** Updates myself's announced ports and hostname from the directives (clusterUpdateMyselfAnnouncedPorts). */
    void refreshMyself() {
        ClusterNode me = state.myself;
        int plain = clientPort(false);
        int tls = clientPort(true);
        boolean tlsCluster = settings.tlsCluster && tls > 0;
        int announcedPlain = settings.announcePort != 0 ? settings.announcePort : plain;
        int announcedTls = settings.announceTlsPort != 0 ? settings.announceTlsPort : tls;
        me.port = tlsCluster ? announcedTls : (announcedPlain != 0 ? announcedPlain : announcedTls);
        me.pport = tlsCluster ? announcedPlain : 0;
        me.redmeshTlsPort = announcedTls;
        me.redmeshPlainPort = announcedPlain;
        me.cport = settings.announceBusPort != 0 ? settings.announceBusPort : busPort();
        me.hostname = settings.announceHostname;
        if (!settings.announceIp.isEmpty()) {
            me.ip = settings.announceIp;
        }
    }

    /** The port the bus listens on: cluster-port, else the client port + 10000. */
    int busPort() {
        int configured = Integer.parseInt(node.config("cluster-port"));
        if (configured != 0) {
            return configured;
        }
        int base = clientPort(false) != 0 ? clientPort(false) : clientPort(true);
        return base + 10000;
    }

    /** The bound client port, or the configured one before the listeners bind (cluster loads first). */
    private int clientPort(boolean tls) {
        int bound = tls ? node.tlsPort() : node.port();
        return bound != 0 ? bound : Integer.parseInt(node.config(tls ? "tls-port" : "port"));
    }

    // ------------------------------------------------------------------ messages

    /** clusterBuildMessageHdr: who we are, what we serve (our master's slots for a replica). */
    BusMessage header(int type) {
        ClusterNode me = state.myself;
        ClusterNode master = me.isReplica() && me.master != null ? me.master : me;
        BusMessage m = new BusMessage();
        m.type = type;
        m.sender = me.name;
        m.myip = settings.announceIp;
        m.hostname = me.hostname;
        m.myslots = (java.util.BitSet) master.slots.clone();
        m.slaveof = me.isReplica() && me.master != null ? me.master.name : null;
        m.port = me.port;
        m.pport = me.pport;
        m.cport = me.cport;
        m.redmeshTlsPort = me.redmeshTlsPort;
        m.redmeshPlainPort = me.redmeshPlainPort;
        m.flags = me.flags & 0xffff;
        m.state = state.state;
        m.currentEpoch = state.currentEpoch;
        m.configEpoch = master.configEpoch;
        ReplicationRole r = replication();
        m.offset = r == null ? 0 : r.offset();
        if (me.isMaster() && manual.pausedAsMaster()) {
            m.mflags0 |= BusMessage.FLAG0_PAUSED;
        }
        return m;
    }

    /** clusterSendPing: PING, PONG or MEET with gossip about a tenth of the nodes plus every PFAIL one. */
    void sendPing(BusLink link, int type) {
        BusMessage m = header(type);
        long now = System.currentTimeMillis();
        List<ClusterNode> candidates = new ArrayList<>();
        List<ClusterNode> pfail = new ArrayList<>();
        for (ClusterNode n : state.all()) {
            if (n == state.myself || n.is(ClusterNode.HANDSHAKE | ClusterNode.NOADDR)) {
                continue;
            }
            // PFAIL nodes always travel, linked or not: a dead replica (no link, no slots) must
            // still collect the masters' reports that make it FAIL
            if (n.timedOut()) {
                pfail.add(n);
            } else if (n.link != null || n.numSlots() > 0) {
                candidates.add(n);
            }
        }
        int freshNodes = state.nodes.size() - 2;
        int wanted = Math.min(Math.max(3, state.nodes.size() / 10), Math.max(0, freshNodes));
        Collections.shuffle(candidates, ThreadLocalRandom.current());
        for (int i = 0; i < Math.min(wanted, candidates.size()); i++) {
            m.gossip.add(gossip(candidates.get(i)));
        }
        for (ClusterNode n : pfail) {
            m.gossip.add(gossip(n));
        }
        Object target = link.node;
        if (type == BusMessage.PING && target instanceof ClusterNode n) {
            n.pingSent = now;
        }
        link.send(m);
    }

    private static BusMessage.Gossip gossip(ClusterNode n) {
        return new BusMessage.Gossip(n.name, n.pingSent / 1000, n.pongReceived / 1000, n.ip, n.port, n.cport,
                n.flags & 0xffff, n.pport);
    }

    /** Sends to every node we have a link to (clusterBroadcastMessage). */
    void broadcast(BusMessage m) {
        for (ClusterNode n : state.all()) {
            if (n != state.myself && !n.is(ClusterNode.HANDSHAKE) && n.link instanceof BusLink l) {
                l.send(m);
            }
        }
    }

    /** clusterBroadcastPong: to all nodes, or only to the replicas of our master (elections). */
    void broadcastPong(boolean localReplicasOnly) {
        ClusterNode me = state.myself;
        for (ClusterNode n : state.all()) {
            if (n == me || n.inHandshake() || !(n.link instanceof BusLink l)) {
                continue;
            }
            if (localReplicasOnly) {
                boolean local = n.isReplica() && n.master != null
                        && (n.master == me || n.master == me.master);
                if (!local) {
                    continue;
                }
            }
            sendPing(l, BusMessage.PONG);
        }
    }

    /** clusterSendFail. */
    void sendFail(String name) {
        BusMessage m = header(BusMessage.FAIL);
        m.about = name;
        broadcast(m);
    }

    /** clusterSendUpdate: tells {@code link}'s node that {@code about} owns its slots at a newer epoch. */
    void sendUpdate(BusLink link, ClusterNode about) {
        if (link == null) {
            return;
        }
        BusMessage m = header(BusMessage.UPDATE);
        m.about = about.name;
        m.aboutConfigEpoch = about.configEpoch;
        m.aboutSlots = (java.util.BitSet) about.slots.clone();
        link.send(m);
    }

    /** clusterPropagatePublish: PUBLISH reaches the clients of every node. */
    void propagatePublish(byte[] channel, byte[] message, boolean sharded) {
        BusMessage m = header(sharded ? BusMessage.PUBLISHSHARD : BusMessage.PUBLISH);
        m.channel = channel;
        m.message = message;
        if (sharded) {
            // only the nodes of our shard: our master (or us) and its replicas
            ClusterNode me = state.myself;
            ClusterNode master = me.isReplica() && me.master != null ? me.master : me;
            List<ClusterNode> shard = new ArrayList<>(master.replicas);
            shard.add(master);
            for (ClusterNode n : shard) {
                if (n != me && n.link instanceof BusLink l) {
                    l.send(m);
                }
            }
        } else {
            broadcast(m);
        }
    }

    // ------------------------------------------------------------------ nodes and links

    /** When the cron last ran. */
    volatile long lastTickMillis = System.currentTimeMillis();
    /** Set when the cron finds it did not run for longer than the node timeout (a frozen process). */
    volatile boolean catchingUp;
    long resumedAt;

    /**
     * Whether what this node believes of the cluster may be stale: its bus has not run for the
     * node timeout, or it has just resumed from such a freeze and not yet had a PONG from every
     * node it knows (at most twice the node timeout).
     */
    boolean busBehind() {
        return catchingUp || System.currentTimeMillis() - lastTickMillis > settings.nodeTimeout;
    }

    /** The cron's check of its own pace, first thing in a tick. */
    void noteTick(long now) {
        long timeout = settings.nodeTimeout;
        if (now - lastTickMillis > timeout) {
            NodeLog.warning("The cluster bus did not run for " + (now - lastTickMillis) + " ms (more than the node "
                    + "timeout): keyed commands answer -CLUSTERDOWN until the other nodes have been heard from.");
            catchingUp = true;
            resumedAt = now;
        }
        lastTickMillis = now;
        if (catchingUp) {
            boolean heardAll = true;
            for (ClusterNode n : state.all()) {
                // a PONG to a PING sent since (not any message: one written before the freeze
                // may still be on its way), from every node: one of our replicas may have replaced us
                if (n != state.myself && !n.is(ClusterNode.HANDSHAKE | ClusterNode.NOADDR | ClusterNode.FAIL)
                        && n.pongReceived < resumedAt) {
                    heardAll = false;
                }
            }
            catchingUp = !heardAll && now - resumedAt < 2 * timeout;
        }
    }

    /**
     * INFO memory's mem_cluster_links: what every live link holds, as Redis sums its links'
     * structures and buffers; read under the node's lock, like CLUSTER LINKS.
     */
    long linksMemory() {
        long bytes = 0;
        for (ClusterNode n : state.all()) {
            if (n.link instanceof BusLink l) {
                bytes += l.memory();
            }
            if (n.inboundLink instanceof BusLink l && l.active()) {
                bytes += l.memory();
            }
        }
        return bytes;
    }

    /** Links freed because their send buffer passed cluster-link-sendbuf-limit (CLUSTER INFO). */
    long linksBufferLimitExceeded;

    /**
     * clusterNodeCronFreeLinkOnBufferLimitReached: a link whose unsent bytes pass
     * cluster-link-sendbuf-limit is freed and counted (a peer that stopped reading must not make
     * us buffer without bound); an outbound one is reconnected by the cron.
     */
    void freeLinksOverBufferLimit(ClusterNode n) {
        long limit = settings.linkSendBufLimit;
        if (limit == 0) {
            return;
        }
        for (Object o : new Object[] {n.link, n.inboundLink}) {
            if (o instanceof BusLink l && l.pendingBytes() > limit) {
                NodeLog.warning("Freeing cluster link(" + (l.inbound ? "from" : "to") + " node " + n.name
                        + ", used memory: " + l.pendingBytes() + ") due to exceeding send buffer memory limit.");
                l.close();
                if (n.link == l) {
                    n.link = null;
                } else {
                    n.inboundLink = null;
                }
                linksBufferLimitExceeded++;
            }
        }
    }

    /** Frees a node's outbound link (it is reconnected by the cron). */
    void freeLink(ClusterNode n) {
        if (n.link instanceof BusLink l) {
            l.close();
        }
        n.link = null;
    }

    /** clusterDelNode, closing its links. */
    void deleteNode(ClusterNode n) {
        freeLink(n);
        if (n.inboundLink instanceof BusLink l) {
            l.close();
        }
        state.delete(n);
        state.todo(true);
    }

    /**
     * clusterStartHandshake: a node in HANDSHAKE with a random name, which learns its real name
     * from its first PONG. False when the address is invalid or a handshake to it is already on.
     */
    boolean startHandshake(String ip, int port, int cport) {
        for (ClusterNode n : state.all()) {
            if (n.inHandshake() && n.ip.equalsIgnoreCase(ip) && n.port == port && n.cport == cport) {
                return false;
            }
        }
        ClusterNode n = new ClusterNode(ClusterState.randomName(), ClusterNode.HANDSHAKE | ClusterNode.MEET);
        n.ip = ip;
        n.port = port;
        n.cport = cport;
        state.add(n);
        return true;
    }

    /** clusterSetMaster: this node becomes a replica of {@code master} (and replicates it). */
    void setMyMaster(ClusterNode master) {
        ClusterNode me = state.myself;
        if (me.isMaster()) {
            me.flags &= ~(ClusterNode.MASTER | ClusterNode.MIGRATE_TO);
            me.flags |= ClusterNode.SLAVE;
            state.slots.closeAll();
        } else if (me.master != null) {
            me.master.removeReplica(me);
        }
        me.master = master;
        master.addReplica(me);
        ReplicationRole r = replication();
        if (r != null) {
            r.follow(master.ip, masterReplicationPort(master));
            replicating = true;
        }
        manual.reset(node);
        state.todo(true);
    }

    /** The port a replica replicates from: the TLS port when tls-replication is on. */
    int masterReplicationPort(ClusterNode master) {
        boolean tlsReplication = node.config("tls-replication").equals("yes");
        return io.redmesh.cluster.state.NodeDescriber.clientPort(master, tlsReplication);
    }

    /** Runs {@code body} under the keyspace lock, then saves/updates what it asked for. */
    void locked(Runnable body) {
        try {
            node.underLock(() -> {
                body.run();
                afterChange();
                return null;
            });
        } catch (Exception e) {
            NodeLog.warning("cluster: " + e);
        }
    }

    /** A PUBLISH (or PUBLISHSHARD) that arrived over the bus: delivered to this node's subscribers. */
    void published(byte[] channel, byte[] message, boolean sharded) {
        if (sharded) {
            node.publishShardLocal(channel, message);
        } else {
            node.publishLocal(channel, message);
        }
    }

    /** The slots this node's shard served at the last check (its own, or its master's as a replica). */
    private final java.util.BitSet shardSlots = new java.util.BitSet(io.redmesh.cluster.state.SlotTable.SLOTS);

    /**
     * removeChannelsInSlot (7.0's clusterDelSlot): shard channels of slots our shard no longer
     * serves are dropped, their subscribers told with "sunsubscribe", so they subscribe again
     * where -MOVED sends them.
     */
    private void dropLostShardChannels() {
        ClusterNode me = state.myself;
        if (me == null) {
            return;
        }
        ClusterNode master = me.isReplica() && me.master != null ? me.master : me;
        java.util.BitSet lost = (java.util.BitSet) shardSlots.clone();
        lost.andNot(master.slots);
        shardSlots.clear();
        shardSlots.or(master.slots);
        if (!lost.isEmpty()) {
            node.dropShardChannels(ch -> lost.get(io.redmesh.node.spi.cluster.HashSlots.slot(ch)));
        }
    }

    // ------------------------------------------------------------------ clusterBeforeSleep

    /** Saves the config and updates the state if something asked for it. */
    void afterChange() {
        if (state.updateStateNeeded) {
            state.updateStateNeeded = false;
            updateState();
        }
        dropLostShardChannels();
        if (state.saveNeeded) {
            state.saveNeeded = false;
            save();
        }
    }

    /**
     * The epochs as last made durable: currentEpoch, lastVoteEpoch and the sum of every node's
     * config epoch. Redis fsyncs nodes.conf only when one of these changes (its
     * CLUSTER_TODO_FSYNC_CONFIG: votes, epoch bumps, a newer epoch learnt); a slot assignment
     * (SETSLOT, ADDSLOTS) is written atomically but not fsynced, since the cluster re-teaches it.
     * Fsyncing every SETSLOT made redis-cli --cluster reshard spend most of its time in fsync.
     */
    private long[] durableEpochs = {-1, -1, -1}; // the first save (start-up) is fsynced

    void save() {
        long sum = 0;
        for (ClusterNode n : state.all()) {
            sum += n.configEpoch;
        }
        long[] now = {state.currentEpoch, state.lastVoteEpoch, sum};
        boolean fsync = !java.util.Arrays.equals(now, durableEpochs);
        try {
            file.save(state, fsync);
            if (fsync) {
                durableEpochs = now;
            }
        } catch (java.io.IOException e) {
            NodeLog.warning("Could not save the cluster config file " + file.path() + ": " + e.getMessage());
        }
    }

    /** clusterUpdateState: ok when every slot is served by a reachable master and we are in the majority. */
    void updateState() {
        long now = System.currentTimeMillis();
        ClusterNode me = state.myself;
        // a restarted master waits a little before taking writes, to learn the configuration first
        if (me.isMaster() && state.state == ClusterState.FAIL && now - startMillis < 2000) {
            return;
        }
        int newState = ClusterState.OK;
        if (settings.requireFullCoverage) {
            for (int j = 0; j < io.redmesh.cluster.state.SlotTable.SLOTS; j++) {
                ClusterNode o = state.slots.owner(j);
                if (o == null || o.failed()) {
                    newState = ClusterState.FAIL;
                    break;
                }
            }
        }
        int[] sized = state.mastersWithSlots();
        state.size = sized[0];
        int quorum = sized[0] / 2 + 1;
        if (sized[1] < quorum) {
            newState = ClusterState.FAIL;
            amongMinorityTime = now;
        }
        if (newState != state.state) {
            long rejoinDelay = Math.max(500, Math.min(5000, settings.nodeTimeout));
            if (newState == ClusterState.OK && me.isMaster() && now - amongMinorityTime < rejoinDelay) {
                return;
            }
            NodeLog.notice("Cluster state changed: " + (newState == ClusterState.OK ? "ok" : "fail"));
            state.state = newState;
            stateChangedAt = now;
        }
    }
}
