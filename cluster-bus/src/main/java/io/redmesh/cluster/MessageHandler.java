package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusLink;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.SlotTable;
import io.redmesh.node.spi.NodeLog;
import java.util.BitSet;

/**
 * clusterProcessPacket: what each bus message does to this node's view. Runs under the keyspace
 * lock, on the bus thread. A message from a node we do not know only ever gets a PONG (to a
 * PING or MEET) and, for a MEET, a handshake; it changes nothing else.
 */
final class MessageHandler {
    private final ClusterCore core;
    private final ClusterState st;
    private final Failover failover;

    MessageHandler(ClusterCore core, Failover failover) {
        this.core = core;
        this.st = core.state;
        this.failover = failover;
    }

    void handle(BusLink link, BusMessage m) {
        long now = System.currentTimeMillis();
        ClusterNode me = st.myself;
        ClusterNode sender = st.lookup(m.sender);
        if (sender != null && link.inbound && sender.inboundLink != link && !sender.inHandshake()) {
            sender.inboundLink = link; // setClusterNodeToInboundClusterLink
            link.node = sender;
        }
        if (sender != null) {
            sender.dataReceived = now;
        }
        if (sender != null && !sender.inHandshake()) {
            // epochs only ever grow
            if (m.currentEpoch > st.currentEpoch) {
                st.currentEpoch = m.currentEpoch;
                st.todo(true);
            }
            if (m.configEpoch > sender.configEpoch && m.slaveof == null) {
                sender.configEpoch = m.configEpoch;
                st.todo(true);
            }
            sender.replOffset = m.offset;
            sender.replOffsetTime = now;
            // a paused master tells its replica the offset to reach (manual failover)
            if (core.manual.inProgress() && me.isReplica() && me.master == sender
                    && (m.mflags0 & BusMessage.FLAG0_PAUSED) != 0 && core.manual.masterOffset == -1) {
                core.manual.masterOffset = sender.replOffset;
                NodeLog.notice("Received replication offset for paused master manual failover: " + m.offset);
            }
        }
        switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> ping(link, m, sender, now);
            case BusMessage.FAIL -> {
                if (sender == null) {
                    return;
                }
                ClusterNode failing = st.lookup(m.about);
                if (failing != null && !failing.is(ClusterNode.FAIL | ClusterNode.MYSELF)) {
                    NodeLog.notice("FAIL message received from " + sender.name + " about " + failing.name);
                    failing.flags |= ClusterNode.FAIL;
                    failing.failTime = now;
                    failing.flags &= ~ClusterNode.PFAIL;
                    st.todo(true);
                }
            }
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
                if (sender != null) {
                    core.published(m.channel, m.message, m.type == BusMessage.PUBLISHSHARD);
                }
            }
            case BusMessage.FAILOVER_AUTH_REQUEST -> {
                if (sender != null) {
                    failover.voteIfNeeded(sender, m, now);
                }
            }
            case BusMessage.FAILOVER_AUTH_ACK -> {
                if (sender != null) {
                    failover.ackReceived(sender, m);
                }
            }
            case BusMessage.MFSTART -> {
                if (sender != null && sender.master == me) {
                    core.manual.startAsMaster(core.node, sender, now);
                    NodeLog.notice("Manual failover requested by replica " + sender.name + ".");
                    // tell the replica our offset at once
                    if (sender.link instanceof BusLink l) {
                        core.sendPing(l, BusMessage.PING);
                    }
                }
            }
            case BusMessage.UPDATE -> {
                if (sender == null) {
                    return;
                }
                ClusterNode n = st.lookup(m.about);
                if (n == null || n.configEpoch >= m.aboutConfigEpoch) {
                    return;
                }
                if (n.isReplica()) {
                    st.setAsMaster(n);
                }
                n.configEpoch = m.aboutConfigEpoch;
                updateSlotsConfigWith(n, m.aboutConfigEpoch, m.aboutSlots);
            }
            default -> NodeLog.verbose("Received unknown cluster bus message type " + m.type);
        }
        core.afterChange();
    }

    private void ping(BusLink link, BusMessage m, ClusterNode sender, long now) {
        ClusterNode me = st.myself;
        if ((m.type == BusMessage.MEET || me.ip.isEmpty()) && core.settings.announceIp.isEmpty()) {
            String mine = link.localAddress();
            if (!mine.isEmpty() && !mine.equals(me.ip)) {
                me.ip = mine; // we learn our address from how peers reach us
                st.todo(true);
            }
        }
        if (sender == null && m.type == BusMessage.MEET) {
            ClusterNode n = new ClusterNode(ClusterState.randomName(), ClusterNode.HANDSHAKE);
            n.ip = m.myip.isEmpty() ? link.remoteAddress() : m.myip;
            n.port = m.port;
            n.pport = m.pport;
            n.cport = m.cport;
            st.add(n);
            st.todo(true);
            processGossip(m, null, now);
        }
        if (m.type == BusMessage.PING || m.type == BusMessage.MEET) {
            core.sendPing(link, BusMessage.PONG);
        }
        Object linked = link.node;
        if (!link.inbound && linked instanceof ClusterNode ln) {
            if (ln.inHandshake()) {
                if (sender != null) {
                    // we already know it under its real name: keep that one, drop the handshake
                    updateAddressIfNeeded(sender, link, m);
                    core.deleteNode(ln);
                    return;
                }
                st.rename(ln, m.sender);
                ln.flags &= ~ClusterNode.HANDSHAKE;
                ln.flags |= m.flags & (ClusterNode.MASTER | ClusterNode.SLAVE);
                NodeLog.verbose("Handshake with node " + ln.name + " completed.");
                st.todo(true);
                sender = ln;
            } else if (!ln.name.equals(m.sender)) {
                NodeLog.verbose("PONG contains mismatching sender ID: " + m.sender + " for " + ln.name);
                ln.flags |= ClusterNode.NOADDR;
                ln.ip = "";
                ln.port = 0;
                ln.cport = 0;
                core.freeLink(ln);
                st.todo(true);
                return;
            }
        }
        if (sender == null) {
            return;
        }
        sender.flags = (sender.flags & ~ClusterNode.NOFAILOVER) | (m.flags & ClusterNode.NOFAILOVER);
        if (m.type == BusMessage.PING) {
            updateAddressIfNeeded(sender, link, m);
        }
        sender.hostname = m.hostname;
        if (m.redmeshTlsPort != 0 || m.redmeshPlainPort != 0) {
            sender.redmeshTlsPort = m.redmeshTlsPort;
            sender.redmeshPlainPort = m.redmeshPlainPort;
        }
        if (!link.inbound && m.type == BusMessage.PONG && linked == sender) {
            sender.pongReceived = now;
            sender.pingSent = 0;
            if (sender.timedOut()) {
                sender.flags &= ~ClusterNode.PFAIL;
                st.todo(true);
            } else if (sender.failed()) {
                clearFailureIfNeeded(sender, now);
            }
        }
        // A node has two links to us and nothing orders one against the other: a PING its replica
        // self wrote before it won an election (its currentEpoch then at most the config epoch it
        // won) can come after its first messages as master. Taken as news, it would make the new
        // master a replica again and leave its slots unserved until its next PING (a demoted
        // master then answered -CLUSTERDOWN between two -MOVED; 7.0, one thread reading both
        // links, answered -MOVED throughout). A master really demoted has seen the newer epoch
        // that took its slots, so its currentEpoch is above its config epoch; an empty master
        // told to REPLICATE has no slots. Anything else is history: role and slots skipped.
        if (m.slaveof != null && sender.isMaster() && sender.numSlots() > 0
                && m.currentEpoch <= sender.configEpoch) {
            NodeLog.verbose("Ignoring a stale replica claim of master " + sender.name + " (epoch " + m.currentEpoch
                    + ", its config epoch " + sender.configEpoch + ")");
            processGossip(m, sender, now);
            return;
        }
        // role changes
        if (m.slaveof == null) {
            st.setAsMaster(sender);
        } else {
            ClusterNode master = st.lookup(m.slaveof);
            if (sender.isMaster() || sender.master != master) {
                st.setAsReplica(sender, master);
            }
        }
        // slots: a master's claims at a newer epoch win
        ClusterNode senderMaster = sender.isMaster() ? sender : sender.master;
        boolean dirty = senderMaster != null && !senderMaster.slots.equals(m.myslots);
        if (sender.isMaster() && dirty) {
            updateSlotsConfigWith(sender, m.configEpoch, m.myslots);
        }
        // the sender has a stale view of slots someone else owns at a newer epoch: UPDATE it
        if (dirty) {
            BitSet claimed = m.myslots;
            for (int j = claimed.nextSetBit(0); j >= 0 && j < SlotTable.SLOTS; j = claimed.nextSetBit(j + 1)) {
                ClusterNode owner = st.slots.owner(j);
                if (owner == null || owner == sender || owner == senderMaster) {
                    continue;
                }
                if (owner.configEpoch > m.configEpoch) {
                    NodeLog.verbose("Node " + sender.name + " has old slots configuration, sending an UPDATE message about "
                            + owner.name);
                    core.sendUpdate(link, owner);
                    break;
                }
            }
        }
        if (me.isMaster() && sender.isMaster() && m.configEpoch == me.configEpoch) {
            failover.handleEpochCollision(sender);
        }
        processGossip(m, sender, now);
    }

    /** clusterProcessGossipSection. */
    private void processGossip(BusMessage m, ClusterNode sender, long now) {
        for (BusMessage.Gossip g : m.gossip) {
            ClusterNode n = st.lookup(g.name());
            if (n != null) {
                if (sender != null && sender.isMaster() && n != st.myself) {
                    if ((g.flags() & (ClusterNode.FAIL | ClusterNode.PFAIL)) != 0) {
                        if (st.addFailureReport(n, sender, now)) {
                            NodeLog.verbose("Node " + sender.name + " reported node " + n.name + " as not reachable.");
                        }
                        failover.markFailingIfNeeded(n, now);
                    } else if (st.removeFailureReport(n, sender)) {
                        NodeLog.verbose("Node " + sender.name + " reported node " + n.name + " is back online.");
                    }
                }
                // trust a peer's recent PONG time for a node we are not pinging ourselves
                if ((g.flags() & (ClusterNode.FAIL | ClusterNode.PFAIL)) == 0 && n.pingSent == 0
                        && n.failReports.isEmpty()) {
                    long pong = g.pongReceivedSeconds() * 1000;
                    if (pong <= now + 500 && pong > n.pongReceived) {
                        n.pongReceived = pong;
                    }
                }
                // an unreachable node seen elsewhere at another address: reconnect there
                if (n.is(ClusterNode.FAIL | ClusterNode.PFAIL) && n.link == null
                        && (g.flags() & ClusterNode.NOADDR) == 0
                        && (!n.ip.equalsIgnoreCase(g.ip()) || n.port != g.port() || n.cport != g.cport())) {
                    n.ip = g.ip();
                    n.port = g.port();
                    n.pport = g.pport();
                    n.cport = g.cport();
                    n.flags &= ~ClusterNode.NOADDR;
                }
            } else if (sender != null && (g.flags() & ClusterNode.NOADDR) == 0 && !st.blacklisted(g.name(), now)) {
                // a node we never heard of: meet it (clusterStartHandshake)
                core.startHandshake(g.ip(), g.port(), g.cport());
            }
        }
    }

    /** nodeUpdateAddressIfNeeded: a known node now pings from another address. */
    private void updateAddressIfNeeded(ClusterNode n, BusLink link, BusMessage m) {
        if (n == st.myself) {
            return;
        }
        String ip = m.myip.isEmpty() ? link.remoteAddress() : m.myip;
        if (n.ip.equals(ip) && n.port == m.port && n.cport == m.cport && n.pport == m.pport) {
            return;
        }
        n.ip = ip;
        n.port = m.port;
        n.pport = m.pport;
        n.cport = m.cport;
        n.flags &= ~ClusterNode.NOADDR;
        core.freeLink(n);
        NodeLog.notice("Address updated for node " + n.name + ", now " + ip + ":" + m.port);
        if (st.myself.isReplica() && st.myself.master == n && core.replication() != null) {
            core.replication().follow(n.ip, core.masterReplicationPort(n));
        }
        st.todo(true);
    }

    /** clearNodeFailureIfNeeded: FAIL is lifted from replicas at once, from masters after a while. */
    private void clearFailureIfNeeded(ClusterNode n, long now) {
        if (n.isReplica() || n.numSlots() == 0) {
            NodeLog.notice("Clear FAIL state for node " + n.name + ": " + (n.isReplica() ? "replica" : "master without slots")
                    + " is reachable again.");
            n.flags &= ~ClusterNode.FAIL;
            st.todo(true);
        }
        if (n.isMaster() && n.numSlots() > 0 && now - n.failTime > core.settings.nodeTimeout * 2) {
            NodeLog.notice("Clear FAIL state for node " + n.name + ": is reachable again and nobody is serving its slots "
                    + "after some time.");
            n.flags &= ~ClusterNode.FAIL;
            st.todo(true);
        }
    }

    /**
     * clusterUpdateSlotsConfigWith: {@code sender} claims {@code slots} at {@code epoch}; slots
     * whose owner has an older epoch move to it. A master left without slots follows the new
     * owner (it was failed over); keys of slots we lost are deleted.
     */
    void updateSlotsConfigWith(ClusterNode sender, long epoch, BitSet slots) {
        ClusterNode me = st.myself;
        if (sender == me) {
            NodeLog.verbose("Discarding UPDATE message about myself.");
            return;
        }
        ClusterNode curMaster = me.isMaster() ? me : me.master;
        ClusterNode newMaster = null;
        int migratedOurSlots = 0;
        BitSet dirtySlots = new BitSet();
        for (int j = slots.nextSetBit(0); j >= 0 && j < SlotTable.SLOTS; j = slots.nextSetBit(j + 1)) {
            ClusterNode owner = st.slots.owner(j);
            if (owner == sender || st.slots.importingFrom(j) != null) {
                continue;
            }
            if (owner == null || owner.configEpoch < epoch) {
                if (owner == me && core.node.slotKeys().countKeysInSlot(j) > 0) {
                    dirtySlots.set(j);
                }
                if (owner != null && owner == curMaster) {
                    newMaster = sender;
                    migratedOurSlots++;
                }
                st.slots.remove(j);
                st.slots.add(sender, j);
                st.todo(true);
            }
        }
        if (newMaster != null && curMaster != null && curMaster.numSlots() == 0
                && (core.settings.allowReplicaMigration || sender.numSlots() == migratedOurSlots)) {
            NodeLog.notice("Configuration change detected. Reconfiguring myself as a replica of " + sender.name);
            core.setMyMaster(sender);
        } else if (!dirtySlots.isEmpty()) {
            for (int j = dirtySlots.nextSetBit(0); j >= 0; j = dirtySlots.nextSetBit(j + 1)) {
                core.node.slotKeys().deleteSlot(j);
            }
        }
    }
}
