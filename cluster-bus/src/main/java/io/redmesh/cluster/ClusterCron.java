package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusLink;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.node.spi.NodeLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * clusterCron, ten times a second: drop stale handshakes, connect to nodes without a link
 * (sending MEET or PING first), ping a random node with the oldest PONG every second and every
 * node whose PONG is older than half the node timeout, mark PFAIL, reconnect stale links, keep a
 * replica replicating its master, and run failover and replica migration.
 */
final class ClusterCron {
    private final ClusterCore core;
    private final ClusterState st;
    private final Failover failover;
    private final MessageHandler handler;
    private final ReplicaMigration migration;
    private long iteration;
    /** Nodes with a connect in flight (not retried until it ends). */
    private final java.util.Set<ClusterNode> connecting = new java.util.HashSet<>();

    ClusterCron(ClusterCore core, Failover failover, MessageHandler handler) {
        this.core = core;
        this.st = core.state;
        this.failover = failover;
        this.handler = handler;
        this.migration = new ReplicaMigration(core);
    }

    void tick() {
        long now = System.currentTimeMillis();
        core.noteTick(now);
        iteration++;
        long timeout = core.settings.nodeTimeout;
        long handshakeTimeout = Math.max(timeout, 1000);
        core.refreshMyself();
        for (ClusterNode n : new ArrayList<>(st.all())) {
            core.freeLinksOverBufferLimit(n);
            if (n == st.myself || n.is(ClusterNode.NOADDR)) {
                continue;
            }
            if (n.inHandshake() && now - n.createdMillis > handshakeTimeout) {
                core.deleteNode(n);
                continue;
            }
            if (n.link == null && !connecting.contains(n)) {
                connect(n);
            }
        }
        // every second, ping the node with the oldest PONG among five random ones
        if (iteration % 10 == 0) {
            List<ClusterNode> all = new ArrayList<>(st.all());
            ClusterNode oldest = null;
            for (int i = 0; i < 5 && !all.isEmpty(); i++) {
                ClusterNode n = all.get(ThreadLocalRandom.current().nextInt(all.size()));
                if (n.link == null || n.pingSent != 0 || n.is(ClusterNode.MYSELF | ClusterNode.HANDSHAKE)) {
                    continue;
                }
                if (oldest == null || n.pongReceived < oldest.pongReceived) {
                    oldest = n;
                }
            }
            if (oldest != null && oldest.link instanceof BusLink l) {
                core.sendPing(l, BusMessage.PING);
            }
        }
        boolean update = false;
        for (ClusterNode n : st.all()) {
            if (n.is(ClusterNode.MYSELF | ClusterNode.NOADDR | ClusterNode.HANDSHAKE)) {
                continue;
            }
            BusLink l = n.link instanceof BusLink bl ? bl : null;
            long pingDelay = now - n.pingSent;
            long dataDelay = now - n.dataReceived;
            // a link that stopped answering is rebuilt before the node is suspected
            if (l != null && now - l.createdMillis > timeout && n.pingSent != 0 && pingDelay > timeout / 2
                    && dataDelay > timeout / 2) {
                core.freeLink(n);
                l = null;
            }
            if (l != null && n.pingSent == 0 && now - n.pongReceived > timeout / 2) {
                core.sendPing(l, BusMessage.PING);
                continue;
            }
            if (n.pingSent == 0) {
                continue;
            }
            long delay = Math.min(pingDelay, dataDelay);
            if (delay > timeout && !n.is(ClusterNode.PFAIL | ClusterNode.FAIL)) {
                NodeLog.verbose("*** NODE " + n.name + " possibly failing");
                n.flags |= ClusterNode.PFAIL;
                update = true;
            }
        }
        // a replica keeps replicating its master (after a restart, or an address change)
        ClusterNode me = st.myself;
        if (me.isReplica() && me.master != null && me.master.hasAddr() && core.replication() != null
                && !core.replicating) {
            core.replicating = true;
            core.replication().follow(me.master.ip, core.masterReplicationPort(me.master));
        }
        failover.manualCron(now);
        if (me.isReplica()) {
            failover.replicaCron(now);
            migration.cron();
        }
        if (update || st.state == ClusterState.FAIL) {
            st.updateStateNeeded = true;
        }
        core.afterChange();
    }

    /** Opens the outbound link to {@code n}; its first message is MEET when we were told to meet it. */
    private void connect(ClusterNode n) {
        connecting.add(n);
        if (n.pingSent == 0) {
            n.pingSent = System.currentTimeMillis(); // a node we cannot reach times out as if it did not answer
        }
        core.transport.connect(n.ip, n.cport, Math.max(1000, core.settings.nodeTimeout)).whenComplete((link, err) ->
                core.locked(() -> {
                    connecting.remove(n);
                    if (err != null) {
                        return;
                    }
                    if (!st.nodes.containsValue(n) || n.link != null) {
                        link.close();
                        return;
                    }
                    link.node = n;
                    n.link = link;
                    long sent = n.pingSent;
                    core.sendPing(link, n.is(ClusterNode.MEET) ? BusMessage.MEET : BusMessage.PING);
                    if (sent != 0 && !n.is(ClusterNode.MEET)) {
                        n.pingSent = sent; // keep the age of the ping the node has not answered yet
                    }
                    n.flags &= ~ClusterNode.MEET;
                }));
    }

    MessageHandler handler() {
        return handler;
    }
}
