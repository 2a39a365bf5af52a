package io.redmesh.sentinel;

/**
 * sentinelRefreshInstanceInfo(): what an INFO reply of a master or replica tells (run id and
 * reboots, the replicas a master lists, a replica's master and link, priority, offset), then the
 * acting half, skipped in TILT: role changes, a promoted replica confirming its promotion, a
 * replica turned master or following the wrong master put back in line, the reconfiguration of
 * replicas during a failover. Under the node's lock.
 */
final class InfoRefresh {
    /** An INFO reply is a few KB; one larger than this is not read past this many lines. */
    static final int MAX_LINES = 4096;

    private final Sentinel s;

    InfoRefresh(Sentinel s) {
        this.s = s;
    }

    void refresh(Instance ri, String info) {
        ri.info = info;
        ri.masterLinkDownTime = 0;
        int role = 0;
        String[] lines = info.split("\r\n", MAX_LINES);
        for (String l : lines) {
            if (l.length() >= 47 && l.startsWith("run_id:")) {
                String runid = l.substring(7, 47);
                if (ri.runid == null) {
                    ri.runid = runid;
                } else if (!ri.runid.equals(runid)) {
                    s.events.instance(Events.Level.NOTICE, "+reboot", ri, "");
                    if (ri.is(Instance.MASTER) && ri.masterRebootDownAfterPeriod != 0) {
                        ri.flags |= Instance.MASTER_REBOOT;
                        ri.masterRebootSinceTime = System.currentTimeMillis();
                    }
                    ri.runid = runid;
                }
            }
            if (ri.is(Instance.MASTER) && l.length() >= 7 && l.startsWith("slave") && Character.isDigit(l.charAt(5))) {
                replicaLine(ri, l);
            }
            if (l.length() >= 32 && l.startsWith("master_link_down_since_seconds")) {
                ri.masterLinkDownTime = Numbers.atoi(l.substring(31)) * 1000;
            }
            if (l.startsWith("role:master")) {
                role = Instance.MASTER;
            } else if (l.startsWith("role:slave")) {
                role = Instance.SLAVE;
            }
            if (role == Instance.SLAVE) {
                replicaField(ri, l);
            }
        }
        ri.infoRefresh = System.currentTimeMillis();
        act(ri, role);
    }

    /** "slave0:ip=127.0.0.1,port=6380,state=online,..." (or the old "slave0:<ip>,<port>,<state>"). */
    private void replicaLine(Instance master, String l) {
        String ip;
        String port;
        int colon = l.indexOf(':');
        if (colon < 0) {
            return;
        }
        String rest = l.substring(colon + 1);
        if (!l.contains("ip=")) {
            String[] f = rest.split(",", -1);
            if (f.length < 3) {
                return;
            }
            ip = f[0];
            port = f[1];
        } else {
            int i = l.indexOf("ip=");
            int p = l.indexOf("port=");
            if (p < 0) {
                return;
            }
            ip = field(l, i + 3);
            port = field(l, p + 5);
        }
        int portNum = (int) Numbers.atoi(port);
        if (s.instances.lookupReplica(master, ip, portNum) == null) {
            try {
                Instance replica = s.instances.createReplica(master, ip, portNum);
                s.events.instance(Events.Level.NOTICE, "+slave", replica, "");
                s.flushConfig();
            } catch (Instances.CreateException e) {
                // an address we cannot use (unresolvable name): skipped, as Redis skips it
            }
        }
    }

    private static String field(String l, int from) {
        int end = l.indexOf(',', from);
        return end < 0 ? l.substring(from) : l.substring(from, end);
    }

    private void replicaField(Instance ri, String l) {
        long now = System.currentTimeMillis();
        if (l.startsWith("master_host:")) {
            String host = l.substring(12);
            if (ri.slaveMasterHost == null || !host.equalsIgnoreCase(ri.slaveMasterHost)) {
                ri.slaveMasterHost = host;
                ri.slaveConfChangeTime = now;
            }
        } else if (l.startsWith("master_port:")) {
            int port = (int) Numbers.atoi(l.substring(12));
            if (ri.slaveMasterPort != port) {
                ri.slaveMasterPort = port;
                ri.slaveConfChangeTime = now;
            }
        } else if (l.startsWith("master_link_status:")) {
            ri.slaveMasterLinkUp = l.substring(19).equalsIgnoreCase("up");
        } else if (l.startsWith("slave_priority:")) {
            ri.slavePriority = (int) Numbers.atoi(l.substring(15));
        } else if (l.startsWith("slave_repl_offset:")) {
            ri.slaveReplOffset = Numbers.strtoull(l.substring(18));
        } else if (l.startsWith("replica_announced:")) {
            ri.replicaAnnounced = (int) Numbers.atoi(l.substring(18));
        }
    }

    /** The acting half. */
    private void act(Instance ri, int role) {
        long now = System.currentTimeMillis();
        if (role != ri.roleReported) {
            ri.roleReportedTime = now;
            ri.roleReported = role;
            if (role == Instance.SLAVE) {
                ri.slaveConfChangeTime = now;
            }
            // coherent with our configuration (+role-change) or not (-role-change)
            s.events.instance(Events.Level.VERBOSE,
                    (ri.flags & (Instance.MASTER | Instance.SLAVE)) == role ? "+role-change" : "-role-change", ri,
                    "new reported role is " + (role == Instance.MASTER ? "master" : "slave"));
        }
        if (s.state.tilt) {
            return;
        }
        // a master that says it is a replica: nothing to do, it will be seen down and failed over
        if (ri.is(Instance.SLAVE) && role == Instance.MASTER) {
            replicaTurnedMaster(ri, now);
        }
        if (ri.is(Instance.SLAVE) && role == Instance.SLAVE
                && (ri.slaveMasterPort != ri.master.addr.port
                    || !ri.master.addr.resolvesTo(ri.slaveMasterHost, s.state.resolveHostnames))) {
            // a replica following another master: sent back to ours once things are stable
            long wait = ri.master.failoverTimeout;
            if (masterLooksSane(ri.master) && ri.noDownFor(wait) && now - ri.slaveConfChangeTime > wait) {
                if (s.failover.sendSlaveOf(ri, ri.master.addr)) {
                    s.events.instance(Events.Level.NOTICE, "+fix-slave-config", ri, "");
                }
            }
        }
        if (ri.is(Instance.SLAVE) && role == Instance.SLAVE && ri.is(Instance.RECONF_SENT | Instance.RECONF_INPROG)) {
            Instance promoted = ri.master.promotedSlave;
            if (ri.is(Instance.RECONF_SENT) && ri.slaveMasterHost != null && promoted != null
                    && promoted.addr.resolvesTo(ri.slaveMasterHost, s.state.resolveHostnames)
                    && ri.slaveMasterPort == promoted.addr.port) {
                ri.flags &= ~Instance.RECONF_SENT;
                ri.flags |= Instance.RECONF_INPROG;
                s.events.instance(Events.Level.NOTICE, "+slave-reconf-inprog", ri, "");
            }
            if (ri.is(Instance.RECONF_INPROG) && ri.slaveMasterLinkUp) {
                ri.flags &= ~Instance.RECONF_INPROG;
                ri.flags |= Instance.RECONF_DONE;
                s.events.instance(Events.Level.NOTICE, "+slave-reconf-done", ri, "");
            }
        }
    }

    private void replicaTurnedMaster(Instance ri, long now) {
        Instance master = ri.master;
        if (ri.is(Instance.PROMOTED) && master.is(Instance.FAILOVER_IN_PROGRESS)
                && master.failoverState == Instance.FailoverState.WAIT_PROMOTION) {
            // our promotion took: the master's configuration now carries the epoch we won, which
            // makes the other sentinels follow
            master.configEpoch = master.failoverEpoch;
            master.failoverState = Instance.FailoverState.RECONF_SLAVES;
            master.failoverStateChangeTime = now;
            s.flushConfig();
            s.events.instance(Events.Level.WARNING, "+promoted-slave", ri, "");
            if ((s.state.simFailureFlags & SentinelState.SIMFAILURE_CRASH_AFTER_PROMOTION) != 0) {
                s.simulatedCrash();
            }
            s.events.instance(Events.Level.WARNING, "+failover-state-reconf-slaves", master, "");
            s.failover.callClientReconfScript(master, true, "start", master.addr, ri.addr);
            s.monitor.forceHelloUpdate(master);
        } else {
            // a replica turned master on its own: put it back, after a while (a newer
            // configuration may be on its way)
            long wait = s.state.timings.publishPeriod * 4;
            if (!ri.is(Instance.PROMOTED) && masterLooksSane(master) && ri.noDownFor(wait)
                    && now - ri.roleReportedTime > wait) {
                if (s.failover.sendSlaveOf(ri, master.addr)) {
                    s.events.instance(Events.Level.NOTICE, "+convert-to-slave", ri, "");
                }
            }
        }
    }

    /** sentinelMasterLooksSane(). */
    boolean masterLooksSane(Instance master) {
        return master.is(Instance.MASTER) && master.roleReported == Instance.MASTER
                && !master.is(Instance.S_DOWN | Instance.O_DOWN)
                && System.currentTimeMillis() - master.infoRefresh < s.state.timings.infoPeriod * 2;
    }
}
