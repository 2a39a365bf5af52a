package io.redmesh.sentinel;

import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplyWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SENTINEL command's subcommands, and a sentinel's ROLE and PUBLISH, with Redis 7.0's
 * replies and error texts (sentinelCommand()). Arity and the unknown-subcommand error come from
 * the node's dispatcher, which reads them from Redis's sentinel table. Run under the node's lock.
 */
final class SentinelCommands implements ModuleCommands {
    private static final String NO_SUCH_MASTER = "ERR No such master with that name";

    private final Sentinel s;
    private final SentinelSet set;
    private final SentinelSettings settings;

    SentinelCommands(Sentinel s) {
        this.s = s;
        this.set = new SentinelSet(s);
        this.settings = new SentinelSettings(s);
    }

    @Override
    public void register(Binder b) {
        b.bind("sentinel|help", this::help)
         .bind("sentinel|masters", c -> instances(c.reply(), s.state.masters.values()))
         .bind("sentinel|master", c -> withMaster(c, m -> InstanceReply.write(c.reply(), m, s.state)))
         .bind("sentinel|replicas", c -> withMaster(c, m -> instances(c.reply(), m.slaves.values())))
         .bind("sentinel|slaves", c -> withMaster(c, m -> instances(c.reply(), m.slaves.values())))
         .bind("sentinel|sentinels", c -> withMaster(c, m -> instances(c.reply(), m.sentinels.values())))
         .bind("sentinel|myid", c -> c.reply().bulk(s.state.myid))
         .bind("sentinel|is-master-down-by-addr", this::isMasterDownByAddr)
         .bind("sentinel|reset", c -> c.reply().integer(s.instances.resetByPattern(arg(c, 2))))
         .bind("sentinel|get-master-addr-by-name", this::getMasterAddrByName)
         .bind("sentinel|failover", this::failover)
         .bind("sentinel|pending-scripts", c -> s.scripts.reply(c.reply()))
         .bind("sentinel|monitor", this::monitor)
         .bind("sentinel|flushconfig", c -> s.flushConfigAndReply(c.reply()))
         .bind("sentinel|remove", this::remove)
         .bind("sentinel|ckquorum", this::ckquorum)
         .bind("sentinel|set", set::execute)
         .bind("sentinel|config", settings::config)
         .bind("sentinel|info-cache", this::infoCache)
         .bind("sentinel|simulate-failure", this::simulateFailure)
         .bind("sentinel|debug", settings::debug)
         .bind("role", this::role)
         .bind("publish", this::publish);
    }

    static String arg(ModuleCall c, int i) {
        return new String(c.argv()[i], StandardCharsets.ISO_8859_1);
    }

    private void withMaster(ModuleCall c, java.util.function.Consumer<Instance> then) {
        Instance m = s.state.master(arg(c, 2));
        if (m == null) {
            c.reply().error(NO_SUCH_MASTER);
            return;
        }
        then.accept(m);
    }

    /** addReplyDictOfRedisInstances(): replicas with replica-announced no are left out. */
    private void instances(ReplyWriter r, java.util.Collection<Instance> all) {
        List<Instance> shown = new ArrayList<>();
        for (Instance ri : all) {
            if (!(ri.is(Instance.SLAVE) && ri.replicaAnnounced == 0)) {
                shown.add(ri);
            }
        }
        r.array(shown.size());
        for (Instance ri : shown) {
            InstanceReply.write(r, ri, s.state);
        }
    }

    private void help(ModuleCall c) {
        String[] lines = {
            "CKQUORUM <master-name>",
            "    Check if the current Sentinel configuration is able to reach the quorum",
            "    needed to failover a master and the majority needed to authorize the",
            "    failover.",
            "CONFIG SET <param> <value>",
            "    Set a global Sentinel configuration parameter.",
            "CONFIG GET <param>",
            "    Get global Sentinel configuration parameter.",
            "DEBUG [<param> <value> ...]",
            "    Show a list of configurable time parameters and their values (milliseconds).",
            "    Or update current configurable parameters values (one or more).",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Return the ip and port number of the master with that name.",
            "FAILOVER <master-name>",
            "    Manually failover a master node without asking for agreement from other",
            "    Sentinels",
            "FLUSHCONFIG",
            "    Force Sentinel to rewrite its configuration on disk, including the current",
            "    Sentinel state.",
            "INFO-CACHE <master-name>",
            "    Return last cached INFO output from masters and all its replicas.",
            "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
            "    Check if the master specified by ip:port is down from current Sentinel's",
            "    point of view.",
            "MASTER <master-name>",
            "    Show the state and info of the specified master.",
            "MASTERS",
            "    Show a list of monitored masters and their state.",
            "MONITOR <name> <ip> <port> <quorum>",
            "    Start monitoring a new master with the specified name, ip, port and quorum.",
            "MYID",
            "    Return the ID of the Sentinel instance.",
            "PENDING-SCRIPTS",
            "    Get pending scripts information.",
            "REMOVE <master-name>",
            "    Remove master from Sentinel's monitor list.",
            "REPLICAS <master-name>",
            "    Show a list of replicas for this master and their state.",
            "RESET <pattern>",
            "    Reset masters for specific master name matching this pattern.",
            "SENTINELS <master-name>",
            "    Show a list of Sentinel instances for this master and their state.",
            "SET <master-name> <option> <value> [<option> <value> ...]",
            "    Set configuration parameters for certain masters.",
            "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
            "    Simulate a Sentinel crash.",
        };
        ReplyWriter r = c.reply();
        r.array(lines.length + 3);
        r.simple(arg(c, 0).toUpperCase(java.util.Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) {
            r.simple(l);
        }
        r.simple("HELP");
        r.simple("    Prints this help.");
    }

    /**
     * SENTINEL IS-MASTER-DOWN-BY-ADDR ip port current-epoch runid: [1 if we see that master SDOWN
     * (never in TILT), our vote (for runid unless "*") or "*", the vote's epoch].
     */
    private void isMasterDownByAddr(ModuleCall c) {
        Long port = Numbers.strictLong(arg(c, 3));
        Long reqEpoch = Numbers.strictLong(arg(c, 4));
        if (port == null || reqEpoch == null) {
            c.reply().error("ERR value is not an integer or out of range");
            return;
        }
        Instance ri = port < Integer.MIN_VALUE || port > Integer.MAX_VALUE ? null
                : s.instances.sentinelByAddrAndRunId(s.state.masters, arg(c, 2), port.intValue(), null);
        boolean down = !s.state.tilt && ri != null && ri.is(Instance.S_DOWN) && ri.is(Instance.MASTER);
        String leader = null;
        long[] leaderEpoch = new long[1];
        String runid = arg(c, 5);
        if (ri != null && ri.is(Instance.MASTER) && !runid.equalsIgnoreCase("*")) {
            leader = s.election.vote(ri, reqEpoch, runid, leaderEpoch);
        }
        ReplyWriter r = c.reply();
        r.array(3);
        r.integer(down ? 1 : 0);
        r.bulk(leader != null ? leader : "*");
        r.integer(leaderEpoch[0]);
    }

    private void getMasterAddrByName(ModuleCall c) {
        Instance ri = s.state.master(arg(c, 2));
        if (ri == null) {
            c.reply().nullArray();
            return;
        }
        Address a = ri.currentAddress();
        c.reply().array(2);
        c.reply().bulk(s.state.announce(a));
        c.reply().bulk(Integer.toString(a.port));
    }

    private void failover(ModuleCall c) {
        withMaster(c, ri -> {
            if (ri.is(Instance.FAILOVER_IN_PROGRESS)) {
                c.reply().error("INPROG Failover already in progress");
                return;
            }
            if (ReplicaSelection.select(ri, s.state.timings) == null) {
                c.reply().error("NOGOODSLAVE No suitable replica to promote");
                return;
            }
            NodeLog.warning("Executing user requested FAILOVER of '" + ri.name + "'");
            s.failover.start(ri);
            ri.flags |= Instance.FORCE_FAILOVER;
            c.reply().ok();
        });
    }

    private void monitor(ModuleCall c) {
        Long quorum = Numbers.strictLong(arg(c, 5));
        if (quorum == null) {
            c.reply().error("ERR Invalid quorum");
            return;
        }
        Long port = Numbers.strictLong(arg(c, 4));
        if (port == null) {
            c.reply().error("ERR Invalid port");
            return;
        }
        if (quorum <= 0) {
            c.reply().error("ERR Quorum must be 1 or greater.");
            return;
        }
        String host = arg(c, 3);
        if (Address.resolve(host, s.state.resolveHostnames) == null) {
            c.reply().error("ERR Invalid IP address or hostname specified");
            return;
        }
        if (port < Integer.MIN_VALUE || port > Integer.MAX_VALUE || quorum > Integer.MAX_VALUE) {
            c.reply().error("ERR Invalid port number.");
            return;
        }
        try {
            Instance ri = s.instances.createMaster(arg(c, 2), host, port.intValue(), quorum.intValue());
            s.flushConfigAndReply(c.reply());
            s.events.instance(Events.Level.WARNING, "+monitor", ri, "quorum " + ri.quorum);
        } catch (Instances.CreateException e) {
            c.reply().error("ERR " + e.getMessage());
        }
    }

    private void remove(ModuleCall c) {
        withMaster(c, ri -> {
            s.events.instance(Events.Level.WARNING, "-monitor", ri, "");
            s.state.masters.remove(ri.name);
            s.instances.release(ri);
            s.flushConfigAndReply(c.reply());
        });
    }

    /** sentinelIsQuorumReachable() as SENTINEL CKQUORUM reports it. */
    private void ckquorum(ModuleCall c) {
        withMaster(c, ri -> {
            int usable = 1;
            int voters = ri.sentinels.size() + 1;
            for (Instance si : ri.sentinels.values()) {
                if (!si.is(Instance.S_DOWN | Instance.O_DOWN)) {
                    usable++;
                }
            }
            boolean noQuorum = usable < ri.quorum;
            boolean noAuth = usable < voters / 2 + 1;
            if (!noQuorum && !noAuth) {
                c.reply().simple("OK " + usable + " usable Sentinels. Quorum and failover authorization can be reached");
                return;
            }
            StringBuilder e = new StringBuilder("NOQUORUM " + usable + " usable Sentinels. ");
            if (noQuorum) {
                e.append("Not enough available Sentinels to reach the specified quorum for this master");
            }
            if (noAuth) {
                if (noQuorum) {
                    e.append(". ");
                }
                e.append("Not enough available Sentinels to reach the majority and authorize a failover");
            }
            c.reply().error(e.toString());
        });
    }

    /** SENTINEL INFO-CACHE [name ...]: [name, [[age ms, INFO or null] of the master, then each replica]]. */
    private void infoCache(ModuleCall c) {
        Map<String, Instance> chosen = new LinkedHashMap<>();
        if (c.argv().length > 2) {
            for (int i = 2; i < c.argv().length; i++) {
                Instance ri = s.state.master(arg(c, i));
                if (ri != null) {
                    chosen.putIfAbsent(ri.name, ri);
                }
            }
        } else {
            chosen.putAll(s.state.masters);
        }
        long now = System.currentTimeMillis();
        ReplyWriter r = c.reply();
        r.array(chosen.size() * 2L);
        for (Instance ri : chosen.values()) {
            r.bulk(ri.name);
            r.array(ri.slaves.size() + 1L);
            r.array(2);
            r.integer(ri.infoRefresh != 0 ? now - ri.infoRefresh : 0);
            if (ri.info != null) {
                r.bulk(ri.info);
            } else {
                r.nullBulk();
            }
            for (Instance sri : ri.slaves.values()) {
                r.array(2);
                // Redis tests the master's refresh time here, and so do we
                r.integer(ri.infoRefresh != 0 ? now - sri.infoRefresh : 0);
                if (sri.info != null) {
                    r.bulk(sri.info);
                } else {
                    r.nullBulk();
                }
            }
        }
    }

    private void simulateFailure(ModuleCall c) {
        s.state.simFailureFlags = 0;
        for (int j = 2; j < c.argv().length; j++) {
            String a = arg(c, j);
            if (a.equalsIgnoreCase("crash-after-election")) {
                s.state.simFailureFlags |= SentinelState.SIMFAILURE_CRASH_AFTER_ELECTION;
                NodeLog.warning("Failure simulation: this Sentinel will crash after being successfully elected "
                        + "as failover leader");
            } else if (a.equalsIgnoreCase("crash-after-promotion")) {
                s.state.simFailureFlags |= SentinelState.SIMFAILURE_CRASH_AFTER_PROMOTION;
                NodeLog.warning("Failure simulation: this Sentinel will crash after promoting the selected "
                        + "replica to master");
            } else if (a.equalsIgnoreCase("help")) {
                c.reply().array(2);
                c.reply().bulk("crash-after-election");
                c.reply().bulk("crash-after-promotion");
                return;
            } else {
                c.reply().error("ERR Unknown failure simulation specified");
                return;
            }
        }
        c.reply().ok();
    }

    /** sentinelRoleCommand(): ["sentinel", [master names]]. */
    private void role(ModuleCall c) {
        ReplyWriter r = c.reply();
        r.array(2);
        r.bulk("sentinel");
        r.array(s.state.masters.size());
        for (String name : s.state.masters.keySet()) {
            r.bulk(name);
        }
    }

    /** sentinelPublishCommand(): only hello messages, which are processed as if received on a channel. */
    private void publish(ModuleCall c) {
        if (!arg(c, 1).equals(SentinelState.HELLO_CHANNEL)) {
            c.reply().error("ERR Only HELLO messages are accepted by Sentinel instances.");
            return;
        }
        s.monitor.processHello(arg(c, 2));
        c.reply().integer(1);
    }
}
