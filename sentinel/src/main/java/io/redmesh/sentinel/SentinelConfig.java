package io.redmesh.sentinel;

import io.redmesh.node.spi.SentinelMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code sentinel ...} lines of sentinel.conf, read as Redis's sentinelHandleConfiguration()
 * reads them (queued while the file is read, then applied in three passes: the global settings
 * the masters depend on, the {@code monitor} lines, the rest), with its error texts, and written
 * back as rewriteConfigSentinelOption() writes them (myid, the masters with their settings,
 * known replicas and sentinels, epochs). RedMesh adds {@code sentinel master-tls <name> yes|no}.
 */
final class SentinelConfig implements SentinelMode {
    /** Settings the monitor lines may depend on (Redis's preMonitorCfgName). */
    private static final Set<String> PRE_MONITOR = Set.of("announce-ip", "announce-port", "deny-scripts-reconfig",
            "sentinel-user", "sentinel-pass", "current-epoch", "myid", "resolve-hostnames", "announce-hostnames");

    private record Queued(List<String> argv, int lineNumber, String line) {}

    private final Sentinel s;
    private final List<Queued> preMonitor = new ArrayList<>();
    private final List<Queued> monitor = new ArrayList<>();
    private final List<Queued> postMonitor = new ArrayList<>();

    SentinelConfig(Sentinel s) {
        this.s = s;
    }

    @Override
    public void queueDirective(List<String> argv, int lineNumber, String line) {
        Queued q = new Queued(argv, lineNumber, line);
        String name = argv.get(0).toLowerCase(Locale.ROOT);
        if (name.equals("monitor")) {
            monitor.add(q);
        } else if (PRE_MONITOR.contains(name)) {
            preMonitor.add(q);
        } else {
            postMonitor.add(q);
        }
    }

    @Override
    public DirectiveError applyDirectives() {
        for (List<Queued> pass : List.of(preMonitor, monitor, postMonitor)) {
            for (Queued q : pass) {
                String err = handle(q.argv());
                if (err != null) {
                    return new DirectiveError(q.lineNumber(), q.line(), err);
                }
            }
        }
        preMonitor.clear();
        monitor.clear();
        postMonitor.clear();
        return null;
    }

    private static final String NO_SUCH_MASTER = "No such master with specified name.";

    /** sentinelHandleConfiguration(): null, or the reason the line is refused. */
    String handle(List<String> argv) {
        SentinelState st = s.state;
        String op = argv.get(0).toLowerCase(Locale.ROOT);
        int argc = argv.size();
        if (op.equals("monitor") && argc == 5) {
            int quorum = (int) Numbers.atoi(argv.get(4));
            if (quorum <= 0) {
                return "Quorum must be 1 or greater.";
            }
            try {
                s.instances.createMaster(argv.get(1), argv.get(2), (int) Numbers.atoi(argv.get(3)), quorum);
            } catch (Instances.CreateException e) {
                return e.getMessage();
            }
            return null;
        }
        if (PER_MASTER.containsKey(op) && argc == PER_MASTER.get(op)) {
            Instance ri = st.master(argv.get(1));
            if (ri == null) {
                return NO_SUCH_MASTER;
            }
            return perMaster(ri, op, argv);
        }
        switch (op) {
            case "current-epoch":
                if (argc == 2) {
                    long e = Numbers.strtoull(argv.get(1));
                    if (Long.compareUnsigned(e, st.currentEpoch) > 0) {
                        st.currentEpoch = e;
                    }
                    return null;
                }
                break;
            case "myid":
                if (argc == 2) {
                    if (argv.get(1).length() != SentinelState.RUN_ID_SIZE) {
                        return "Malformed Sentinel id in myid option.";
                    }
                    st.myid = argv.get(1);
                    return null;
                }
                break;
            case "known-sentinel":
                if (argc == 4) {
                    return null; // the old form without run id is ignored
                }
                break;
            case "announce-ip":
                if (argc == 2) {
                    if (!argv.get(1).isEmpty()) {
                        st.announceIp = argv.get(1);
                    }
                    return null;
                }
                break;
            case "announce-port":
                if (argc == 2) {
                    st.announcePort = (int) Numbers.atoi(argv.get(1));
                    return null;
                }
                break;
            case "sentinel-user":
                if (argc == 2) {
                    if (!argv.get(1).isEmpty()) {
                        st.sentinelAuthUser = argv.get(1);
                    }
                    return null;
                }
                break;
            case "sentinel-pass":
                if (argc == 2) {
                    if (!argv.get(1).isEmpty()) {
                        st.sentinelAuthPass = argv.get(1);
                    }
                    return null;
                }
                break;
            case "deny-scripts-reconfig", "resolve-hostnames", "announce-hostnames":
                if (argc == 2) {
                    return globalYesNo(op, argv.get(1));
                }
                break;
            default:
                break;
        }
        return "Unrecognized sentinel configuration statement.";
    }

    /** The global yes/no settings; null, or Redis's complaint. */
    private String globalYesNo(String op, String value) {
        Boolean b = yesNo(value);
        if (b == null) {
            // Redis says "options" for this one only
            return "Please specify yes or no for the " + op + (op.equals("deny-scripts-reconfig") ? " options." : " option.");
        }
        switch (op) {
            case "deny-scripts-reconfig" -> s.state.denyScriptsReconfig = b;
            case "resolve-hostnames" -> s.state.resolveHostnames = b;
            default -> s.state.announceHostnames = b;
        }
        return null;
    }

    /** Per-master directives and their word counts (the name of the master is the second word). */
    private static final Map<String, Integer> PER_MASTER = Map.ofEntries(
            Map.entry("down-after-milliseconds", 3), Map.entry("failover-timeout", 3),
            Map.entry("parallel-syncs", 3), Map.entry("notification-script", 3),
            Map.entry("client-reconfig-script", 3), Map.entry("auth-pass", 3), Map.entry("auth-user", 3),
            Map.entry("config-epoch", 3), Map.entry("leader-epoch", 3), Map.entry("known-slave", 4),
            Map.entry("known-replica", 4), Map.entry("known-sentinel", 5), Map.entry("rename-command", 4),
            Map.entry("master-reboot-down-after-period", 3), Map.entry("master-tls", 3));

    private String perMaster(Instance ri, String op, List<String> argv) {
        String v = argv.get(2);
        switch (op) {
            case "down-after-milliseconds":
                ri.downAfterPeriod = Numbers.atoi(v);
                if (ri.downAfterPeriod <= 0) {
                    return "negative or zero time parameter.";
                }
                ri.propagateDownAfterPeriod();
                return null;
            case "failover-timeout":
                ri.failoverTimeout = Numbers.atoi(v);
                return ri.failoverTimeout <= 0 ? "negative or zero time parameter." : null;
            case "parallel-syncs":
                ri.parallelSyncs = (int) Numbers.atoi(v);
                return null;
            case "notification-script":
                if (!Files.isExecutable(Path.of(v))) {
                    return "Notification script seems non existing or non executable.";
                }
                ri.notificationScript = v;
                return null;
            case "client-reconfig-script":
                if (!Files.isExecutable(Path.of(v))) {
                    return "Client reconfiguration script seems non existing or non executable.";
                }
                ri.clientReconfigScript = v;
                return null;
            case "auth-pass":
                ri.authPass = v;
                return null;
            case "auth-user":
                ri.authUser = v;
                return null;
            case "config-epoch":
                ri.configEpoch = Numbers.strtoull(v);
                if (Long.compareUnsigned(ri.configEpoch, s.state.currentEpoch) > 0) {
                    s.state.currentEpoch = ri.configEpoch;
                }
                return null;
            case "leader-epoch":
                ri.leaderEpoch = Numbers.strtoull(v);
                return null;
            case "known-slave":
            case "known-replica":
                try {
                    s.instances.createReplica(ri, v, (int) Numbers.atoi(argv.get(3)));
                } catch (Instances.CreateException e) {
                    return e.getMessage();
                }
                return null;
            case "known-sentinel":
                try {
                    Instance si = s.instances.createSentinel(ri, argv.get(4), v, (int) Numbers.atoi(argv.get(3)));
                    si.runid = argv.get(4);
                    s.links.tryConnectionSharing(si);
                } catch (Instances.CreateException e) {
                    return e.getMessage();
                }
                return null;
            case "rename-command":
                if (ri.renamedCommands.containsKey(v)) {
                    return "Same command renamed multiple times with rename-command.";
                }
                ri.renamedCommands.put(v, argv.get(3));
                return null;
            case "master-reboot-down-after-period":
                ri.masterRebootDownAfterPeriod = Numbers.atoi(v);
                return ri.masterRebootDownAfterPeriod < 0 ? "negative time parameter." : null;
            case "master-tls":
                Boolean b = yesNo(v);
                if (b == null) {
                    return "Please specify yes or no for the master-tls option.";
                }
                ri.tls = b;
                return null;
            default:
                return "Unrecognized sentinel configuration statement.";
        }
    }

    /** yesnotoi(): null for anything but yes/no (any case). */
    static Boolean yesNo(String v) {
        if (v.equalsIgnoreCase("yes")) {
            return Boolean.TRUE;
        }
        if (v.equalsIgnoreCase("no")) {
            return Boolean.FALSE;
        }
        return null;
    }

    // ------------------------------------------------------------------ rewrite

    @Override
    public List<RewriteLine> rewriteLines() {
        SentinelState st = s.state;
        List<RewriteLine> out = new ArrayList<>();
        out.add(new RewriteLine("sentinel myid", "sentinel myid " + st.myid, true));
        out.add(new RewriteLine("sentinel deny-scripts-reconfig", "sentinel deny-scripts-reconfig "
                + yn(st.denyScriptsReconfig), st.denyScriptsReconfig != SentinelState.DEFAULT_DENY_SCRIPTS_RECONFIG));
        // early in the file: in effect when the rest is read
        out.add(new RewriteLine("sentinel resolve-hostnames", "sentinel resolve-hostnames " + yn(st.resolveHostnames),
                st.resolveHostnames));
        out.add(new RewriteLine("sentinel announce-hostnames", "sentinel announce-hostnames "
                + yn(st.announceHostnames), st.announceHostnames));
        for (Instance m : st.masters.values()) {
            masterLines(m, out);
        }
        out.add(new RewriteLine("sentinel current-epoch", "sentinel current-epoch "
                + Long.toUnsignedString(st.currentEpoch), true));
        if (st.announceIp != null) {
            out.add(new RewriteLine("sentinel announce-ip", "sentinel announce-ip " + Repr.of(st.announceIp), true));
        }
        if (st.announcePort != 0) {
            out.add(new RewriteLine("sentinel announce-port", "sentinel announce-port " + st.announcePort, true));
        }
        if (st.sentinelAuthUser != null) {
            out.add(new RewriteLine("sentinel sentinel-user", "sentinel sentinel-user " + st.sentinelAuthUser, true));
        }
        if (st.sentinelAuthPass != null) {
            out.add(new RewriteLine("sentinel sentinel-pass", "sentinel sentinel-pass " + st.sentinelAuthPass, true));
        }
        return out;
    }

    private void masterLines(Instance m, List<RewriteLine> out) {
        SentinelState st = s.state;
        Address current = m.currentAddress();
        String n = m.name;
        add(out, "monitor", n + " " + st.announce(current) + " " + current.port + " " + m.quorum);
        if (m.downAfterPeriod != st.timings.defaultDownAfter) {
            add(out, "down-after-milliseconds", n + " " + m.downAfterPeriod);
        }
        if (m.failoverTimeout != st.timings.defaultFailoverTimeout) {
            add(out, "failover-timeout", n + " " + m.failoverTimeout);
        }
        if (m.parallelSyncs != Instance.DEFAULT_PARALLEL_SYNCS) {
            add(out, "parallel-syncs", n + " " + m.parallelSyncs);
        }
        if (m.notificationScript != null) {
            add(out, "notification-script", n + " " + m.notificationScript);
        }
        if (m.clientReconfigScript != null) {
            add(out, "client-reconfig-script", n + " " + m.clientReconfigScript);
        }
        if (m.authPass != null) {
            add(out, "auth-pass", n + " " + m.authPass);
        }
        if (m.authUser != null) {
            add(out, "auth-user", n + " " + m.authUser);
        }
        if (m.masterRebootDownAfterPeriod != 0) {
            add(out, "master-reboot-down-after-period", n + " " + m.masterRebootDownAfterPeriod);
        }
        if (m.tls != null) {
            add(out, "master-tls", n + " " + yn(m.tls));
        }
        add(out, "config-epoch", n + " " + Long.toUnsignedString(m.configEpoch));
        add(out, "leader-epoch", n + " " + Long.toUnsignedString(m.leaderEpoch));
        for (Instance r : m.slaves.values()) {
            // a replica already promoted (failover in progress) is written as the old master
            Address a = r.addr.sameIpAndPort(current) ? m.addr : r.addr;
            add(out, "known-replica", n + " " + st.announce(a) + " " + a.port);
        }
        for (Instance si : m.sentinels.values()) {
            if (si.runid != null) {
                add(out, "known-sentinel", n + " " + st.announce(si.addr) + " " + si.addr.port + " " + si.runid);
            }
        }
        for (Map.Entry<String, String> e : m.renamedCommands.entrySet()) {
            add(out, "rename-command", n + " " + e.getKey() + " " + e.getValue());
        }
    }

    private static void add(List<RewriteLine> out, String option, String rest) {
        out.add(new RewriteLine("sentinel " + option, "sentinel " + option + " " + rest, true));
    }

    private static String yn(boolean b) {
        return b ? "yes" : "no";
    }
}
