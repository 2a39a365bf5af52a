package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.LinkReply;

/**
 * The monitoring half of sentinel.c: PING, INFO and hello messages sent periodically, their
 * replies, the hello messages received (discovery of sentinels, newer configurations), SDOWN and
 * ODOWN, and asking the other sentinels whether they see the master down. Under the node's lock.
 */
final class Monitor {
    /** Redis's SENTINEL_MAX_PENDING_COMMANDS: a link that stops answering gets no more than this. */
    static final int MAX_PENDING_COMMANDS = 100;

    private final Sentinel s;

    Monitor(Sentinel s) {
        this.s = s;
    }

    private SentinelTimings t() {
        return s.state.timings;
    }

    // ------------------------------------------------------------------ sending

    /** sentinelSendPeriodicCommands(). */
    void sendPeriodicCommands(Instance ri) {
        long now = System.currentTimeMillis();
        InstanceLink link = ri.link;
        if (link.disconnected) {
            return;
        }
        if (link.pendingCommands >= MAX_PENDING_COMMANDS * link.refcount) {
            return;
        }
        // a replica of a master in ODOWN or failover, or one that lost its master, every second
        long infoPeriod = ri.is(Instance.SLAVE)
                && (ri.master.is(Instance.O_DOWN | Instance.FAILOVER_IN_PROGRESS) || ri.masterLinkDownTime != 0)
                ? 1000 : t().infoPeriod;
        long pingPeriod = Math.min(ri.downAfterPeriod, t().pingPeriod);
        if (!ri.is(Instance.SENTINEL) && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriod)) {
            s.links.call(ri, r -> {
                if (r.type() == '$' && r.bulk() != null) {
                    s.infoRefresh.refresh(ri, r.text());
                }
            }, ri.command("INFO"));
        }
        if (now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2) {
            sendPing(ri);
        }
        if (now - ri.lastPubTime > t().publishPeriod) {
            sendHello(ri);
        }
    }

    /** sentinelSendPing(): act_ping_time is kept while an earlier PING is unanswered. */
    boolean sendPing(Instance ri) {
        boolean sent = s.links.call(ri, r -> pingReply(ri, r), ri.command("PING"));
        if (sent) {
            ri.link.lastPingTime = System.currentTimeMillis();
            if (ri.link.actPingTime == 0) {
                ri.link.actPingTime = ri.link.lastPingTime;
            }
        }
        return sent;
    }

    /** sentinelPingReplyCallback(). */
    private void pingReply(Instance ri, LinkReply r) {
        InstanceLink link = ri.link;
        if (r.isStatus() || r.isError()) {
            String str = r.line();
            if (str.startsWith("PONG") || str.startsWith("LOADING") || str.startsWith("MASTERDOWN")) {
                link.lastAvailTime = System.currentTimeMillis();
                link.actPingTime = 0;
                if (ri.is(Instance.MASTER_REBOOT) && str.startsWith("PONG")) {
                    ri.flags &= ~Instance.MASTER_REBOOT;
                }
            } else if (str.startsWith("BUSY") && ri.is(Instance.S_DOWN) && !ri.is(Instance.SCRIPT_KILL_SENT)) {
                // down because of a busy script: ask it to stop, once
                s.links.call(ri, null, ri.command("SCRIPT"), "KILL");
                ri.flags |= Instance.SCRIPT_KILL_SENT;
            }
        }
        link.lastPongTime = System.currentTimeMillis();
    }

    /**
     * sentinelSendHello(): our address (announce-ip, else this connection's local address; the
     * TLS port when tls-replication, unless announce-port), our epoch, and the master's current
     * configuration, published on the instance's hello channel (a sentinel receives it as PUBLISH).
     */
    boolean sendHello(Instance ri) {
        if (ri.link.disconnected) {
            return false;
        }
        Instance master = ri.masterOf();
        Address masterAddr = master.currentAddress();
        String ip = s.state.announceIp;
        if (ip == null) {
            String local = ri.link.cc.localAddress();
            int colon = local.lastIndexOf(':');
            ip = colon < 0 ? local : local.substring(0, colon);
            if (ip.startsWith("[") && ip.endsWith("]")) {
                ip = ip.substring(1, ip.length() - 1);
            }
        }
        int port = s.state.announcePort != 0 ? s.state.announcePort
                : s.node.config("tls-replication").equals("yes") && s.node.tlsPort() != 0 ? s.node.tlsPort()
                : s.node.port();
        Hello h = new Hello(ip, port, s.state.myid, s.state.currentEpoch, master.name,
                s.state.announce(masterAddr), masterAddr.port, master.configEpoch);
        return s.links.call(ri, r -> {
            if (!r.isError()) {
                ri.lastPubTime = System.currentTimeMillis();
            }
        }, ri.command("PUBLISH"), SentinelState.HELLO_CHANNEL, h.format());
    }

    /** sentinelForceHelloUpdateForMaster(): hellos to the master, its sentinels and replicas at the next tick. */
    void forceHelloUpdate(Instance master) {
        long back = t().publishPeriod + 1;
        if (master.lastPubTime >= back) {
            master.lastPubTime -= back;
        }
        for (Instance ri : master.sentinels.values()) {
            if (ri.lastPubTime >= back) {
                ri.lastPubTime -= back;
            }
        }
        for (Instance ri : master.slaves.values()) {
            if (ri.lastPubTime >= back) {
                ri.lastPubTime -= back;
            }
        }
    }

    // ------------------------------------------------------------------ hello received

    /** sentinelReceiveHelloMessages(): a message on a master's or replica's hello channel. */
    void helloReceived(Instance ri, LinkReply r) {
        ri.link.pcLastActivity = System.currentTimeMillis();
        if (r.type() != '*' || r.elements() == null || r.elements().size() != 3) {
            return;
        }
        for (LinkReply e : r.elements()) {
            if (e.type() != '$' || e.bulk() == null) {
                return;
            }
        }
        if (!r.elements().get(0).text().equals("message")) {
            return;
        }
        String payload = r.elements().get(2).text();
        if (payload.contains(s.state.myid)) {
            return; // our own hello
        }
        processHello(payload);
    }

    /**
     * sentinelProcessHelloMessage(): a sentinel we did not know is added (or moved, when its run
     * id is known at another address), our epoch follows a greater one, and a newer configuration
     * of the master (greater config epoch at another address) is adopted: +switch-master.
     */
    void processHello(String payload) {
        Hello h = Hello.parse(payload);
        if (h == null) {
            return;
        }
        Instance master = s.state.master(h.masterName());
        if (master == null) {
            return;
        }
        Instance si = s.instances.sentinelByAddrAndRunId(master.sentinels, h.ip(), h.port(), h.runid());
        if (si == null) {
            int removed = s.instances.removeSentinelsWithRunId(master, h.runid());
            if (removed > 0) {
                s.events.instance(Events.Level.NOTICE, "+sentinel-address-switch", master,
                        "ip " + h.ip() + " port " + h.port() + " for " + h.runid());
            } else {
                Instance other = s.instances.sentinelByAddrAndRunId(master.sentinels, h.ip(), h.port(), null);
                if (other != null) {
                    // another run id at this address: that one is gone, everywhere
                    s.events.instance(Events.Level.NOTICE, "+sentinel-invalid-addr", other, "");
                    String obsolete = other.runid;
                    for (Instance m : s.state.masters.values()) {
                        s.instances.removeSentinelsWithRunId(m, obsolete);
                    }
                }
            }
            try {
                si = s.instances.createSentinel(master, h.runid(), h.ip(), h.port());
                if (removed == 0) {
                    s.events.instance(Events.Level.NOTICE, "+sentinel", si, "");
                }
                si.runid = h.runid();
                s.links.tryConnectionSharing(si);
                if (removed > 0) {
                    updateSentinelAddressInAllMasters(si);
                }
                s.flushConfig();
            } catch (Instances.CreateException e) {
                si = null;
            }
        }
        if (Long.compareUnsigned(h.currentEpoch(), s.state.currentEpoch) > 0) {
            s.state.currentEpoch = h.currentEpoch();
            s.flushConfig();
            s.events.plain(Events.Level.WARNING, "+new-epoch", master, Long.toUnsignedString(s.state.currentEpoch));
        }
        if (si != null && Long.compareUnsigned(master.configEpoch, h.masterConfigEpoch()) < 0) {
            master.configEpoch = h.masterConfigEpoch();
            if (h.masterPort() != master.addr.port || !master.addr.resolvesTo(h.masterIp(), s.state.resolveHostnames)) {
                s.events.instance(Events.Level.WARNING, "+config-update-from", si, "");
                s.events.plain(Events.Level.WARNING, "+switch-master", master, master.name + " "
                        + s.state.announce(master.addr) + " " + master.addr.port + " " + h.masterIp() + " "
                        + h.masterPort());
                Address old = master.addr;
                s.instances.resetMasterAndChangeAddress(master, h.masterIp(), h.masterPort());
                s.failover.callClientReconfScript(master, false, "start", old, master.addr);
            }
        }
        if (si != null) {
            si.lastHelloTime = System.currentTimeMillis();
        }
    }

    /**
     * sentinelUpdateSentinelAddressInAllMasters(): a sentinel that moved gets its new address
     * under every master, and its old connections are dropped.
     */
    private void updateSentinelAddressInAllMasters(Instance ri) {
        int reconfigured = 0;
        for (Instance m : s.state.masters.values()) {
            Instance match = s.instances.sentinelByAddrAndRunId(m.sentinels, null, 0, ri.runid);
            if (match == null) {
                continue;
            }
            s.links.closeConnection(match.link, match.link.cc);
            s.links.closeConnection(match.link, match.link.pc);
            if (match == ri) {
                continue;
            }
            match.addr = ri.addr;
            reconfigured++;
        }
        if (reconfigured > 0) {
            s.events.instance(Events.Level.NOTICE, "+sentinel-address-update", ri,
                    reconfigured + " additional matching instances");
        }
    }

    // ------------------------------------------------------------------ failure detection

    /** sentinelCheckSubjectivelyDown(). */
    void checkSubjectivelyDown(Instance ri) {
        long now = System.currentTimeMillis();
        InstanceLink link = ri.link;
        long elapsed = 0;
        if (link.actPingTime != 0) {
            elapsed = now - link.actPingTime;
        } else if (link.disconnected) {
            elapsed = now - link.lastAvailTime;
        }
        // a commands connection that looks stuck (connected long enough, a ping pending past half
        // the timeout) is reconnected
        if (link.cc != null && now - link.ccConnTime > t().minLinkReconnectPeriod && link.actPingTime != 0
                && now - link.actPingTime > ri.downAfterPeriod / 2 && now - link.lastPongTime > ri.downAfterPeriod / 2) {
            s.links.closeConnection(link, link.cc);
        }
        // so is a Pub/Sub connection silent for three publish periods (we hear our own hellos)
        if (link.pc != null && now - link.pcConnTime > t().minLinkReconnectPeriod
                && now - link.pcLastActivity > t().publishPeriod * 3) {
            s.links.closeConnection(link, link.pc);
        }
        boolean down = elapsed > ri.downAfterPeriod
                || (ri.is(Instance.MASTER) && ri.roleReported == Instance.SLAVE
                    && now - ri.roleReportedTime > ri.downAfterPeriod + t().infoPeriod * 2)
                || (ri.is(Instance.MASTER_REBOOT) && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod);
        if (down) {
            if (!ri.is(Instance.S_DOWN)) {
                s.events.instance(Events.Level.WARNING, "+sdown", ri, "");
                ri.sDownSinceTime = now;
                ri.flags |= Instance.S_DOWN;
            }
        } else if (ri.is(Instance.S_DOWN)) {
            s.events.instance(Events.Level.WARNING, "-sdown", ri, "");
            ri.flags &= ~(Instance.S_DOWN | Instance.SCRIPT_KILL_SENT);
        }
    }

    /** sentinelCheckObjectivelyDown(): SDOWN here and MASTER_DOWN from enough sentinels. */
    void checkObjectivelyDown(Instance master) {
        int quorum = 0;
        boolean odown = false;
        if (master.is(Instance.S_DOWN)) {
            quorum = 1;
            for (Instance ri : master.sentinels.values()) {
                if (ri.is(Instance.MASTER_DOWN)) {
                    quorum++;
                }
            }
            odown = quorum >= master.quorum;
        }
        if (odown) {
            if (!master.is(Instance.O_DOWN)) {
                s.events.instance(Events.Level.WARNING, "+odown", master, "#quorum " + quorum + "/" + master.quorum);
                master.flags |= Instance.O_DOWN;
                master.oDownSinceTime = System.currentTimeMillis();
            }
        } else if (master.is(Instance.O_DOWN)) {
            s.events.instance(Events.Level.WARNING, "-odown", master, "");
            master.flags &= ~Instance.O_DOWN;
        }
    }

    /**
     * sentinelAskMasterStateToOtherSentinels(): while we see the master down, SENTINEL
     * is-master-down-by-addr to each connected sentinel (once per ask period, or at once when
     * {@code forced}), asking for its vote (our run id) once a failover is started.
     */
    void askMasterStateToOtherSentinels(Instance master, boolean forced) {
        long now = System.currentTimeMillis();
        for (Instance ri : master.sentinels.values()) {
            if (now - ri.lastMasterDownReplyTime > t().askPeriod * 5) {
                ri.flags &= ~Instance.MASTER_DOWN; // its answer is too old
                ri.leader = null;
            }
            if (!master.is(Instance.S_DOWN) || ri.link.disconnected) {
                continue;
            }
            if (!forced && now - ri.lastMasterDownReplyTime < t().askPeriod) {
                continue;
            }
            s.links.call(ri, r -> isMasterDownReply(ri, r), ri.command("SENTINEL"), "is-master-down-by-addr",
                    s.state.announce(master.addr), Integer.toString(master.addr.port),
                    Long.toUnsignedString(s.state.currentEpoch),
                    master.failoverState != Instance.FailoverState.NONE ? s.state.myid : "*");
        }
    }

    /** sentinelReceiveIsMasterDownReply(): [down 0|1, leader run id or "*", leader epoch]. */
    private void isMasterDownReply(Instance ri, LinkReply r) {
        if (r.type() != '*' || r.elements() == null || r.elements().size() != 3) {
            return;
        }
        LinkReply down = r.elements().get(0);
        LinkReply leader = r.elements().get(1);
        LinkReply epoch = r.elements().get(2);
        if (down.type() != ':' || leader.type() != '$' || leader.bulk() == null || epoch.type() != ':') {
            return;
        }
        ri.lastMasterDownReplyTime = System.currentTimeMillis();
        if (down.integer() == 1) {
            ri.flags |= Instance.MASTER_DOWN;
        } else {
            ri.flags &= ~Instance.MASTER_DOWN;
        }
        String vote = leader.text();
        if (!vote.equals("*")) {
            if (ri.leaderEpoch != epoch.integer()) {
                NodeLog.warning(ri.name + " voted for " + vote + " " + Long.toUnsignedString(epoch.integer()));
            }
            ri.leader = vote;
            ri.leaderEpoch = epoch.integer();
        }
    }
}
