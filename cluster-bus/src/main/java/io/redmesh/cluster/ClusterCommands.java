package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusLink;
import io.redmesh.cluster.bus.BusMessage;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.SlotTable;
import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.ReplyWriter;
import io.redmesh.node.spi.cluster.HashSlots;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * CLUSTER and its subcommands, ASKING, READONLY, READWRITE, with Redis 7.0's replies and error
 * texts (cluster.c's clusterCommand). Each runs under the keyspace lock; what it changes is
 * saved (fsync) and the state updated before the reply leaves.
 */
final class ClusterCommands implements ModuleCommands {
    private static final String DISABLED = "ERR This instance has cluster support disabled";
    private final ClusterMode mode;

    ClusterCommands(ClusterMode mode) {
        this.mode = mode;
    }

    @Override
    public void register(Binder b) {
        String[] subs = {"addslots", "addslotsrange", "bumpepoch", "count-failure-reports", "countkeysinslot",
            "delslots", "delslotsrange", "failover", "flushslots", "forget", "getkeysinslot", "help", "info", "keyslot",
            "links", "meet", "myid", "nodes", "replicas", "replicate", "reset", "saveconfig", "set-config-epoch",
            "setslot", "shards", "slaves", "slots"};
        for (String s : subs) {
            b.bind("cluster|" + s, this::cluster);
        }
        b.bind("asking", c -> simpleFlag(c, () -> c.asking()));
        b.bind("readonly", c -> simpleFlag(c, () -> c.readOnlyClient(true)));
        b.bind("readwrite", c -> simpleFlag(c, () -> c.readOnlyClient(false)));
    }

    private void simpleFlag(ModuleCall c, Runnable set) {
        if (!mode.enabled()) {
            c.reply().error(DISABLED);
            return;
        }
        set.run();
        c.reply().ok();
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private void cluster(ModuleCall c) {
        byte[][] a = c.argv();
        String sub = str(a[1]).toLowerCase(Locale.ROOT);
        if (!mode.enabled()) {
            c.reply().error(DISABLED);
            return;
        }
        ClusterCore core = mode.core();
        try {
            run(c, core, sub, a);
        } finally {
            core.afterChange();
        }
    }

    private void run(ModuleCall c, ClusterCore core, String sub, byte[][] a) {
        ClusterState st = core.state;
        ClusterNode me = st.myself;
        ReplyWriter r = c.reply();
        TopologyReplies topology = mode.topology();
        switch (sub) {
            case "help" -> help(r);
            case "myid" -> r.bulk(me.name);
            case "nodes" -> r.verbatim(topology.nodes(c.tls()));
            case "slots" -> topology.slots(r, c.tls());
            case "shards" -> topology.shards(r, c.tls());
            case "info" -> r.verbatim(topology.info());
            case "links" -> topology.links(r);
            case "meet" -> meet(c, core);
            case "flushslots" -> {
                if (core.node.slotKeys().size() != 0) {
                    r.error("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
                    return;
                }
                st.slots.removeAll(me);
                st.todo(true);
                r.ok();
            }
            case "addslots", "delslots" -> slots(c, core, sub.equals("addslots"), false);
            case "addslotsrange", "delslotsrange" -> slots(c, core, sub.equals("addslotsrange"), true);
            case "setslot" -> setslot(c, core);
            case "saveconfig" -> {
                try {
                    core.file.save(st, true);
                    r.ok();
                } catch (java.io.IOException e) {
                    r.error("ERR error saving the cluster node config: " + e.getMessage());
                }
            }
            case "keyslot" -> r.integer(HashSlots.slot(a[2]));
            case "countkeysinslot" -> {
                Long slot = parseLong(a[2]);
                if (slot == null) {
                    r.error("ERR value is not an integer or out of range");
                } else if (slot < 0 || slot >= SlotTable.SLOTS) {
                    r.error("ERR Invalid slot");
                } else {
                    r.integer(core.node.slotKeys().countKeysInSlot(slot.intValue()));
                }
            }
            case "getkeysinslot" -> getKeysInSlot(c, core);
            case "forget" -> forget(c, core);
            case "replicate" -> replicate(c, core);
            case "slaves", "replicas" -> {
                ClusterNode n = st.lookup(str(a[2]).toLowerCase(Locale.ROOT));
                if (n == null) {
                    r.error("ERR Unknown node " + str(a[2]));
                } else if (n.isReplica()) {
                    r.error("ERR The specified node is not a master");
                } else {
                    topology.replicas(r, n, c.tls());
                }
            }
            case "count-failure-reports" -> {
                ClusterNode n = st.lookup(str(a[2]).toLowerCase(Locale.ROOT));
                if (n == null) {
                    r.error("ERR Unknown node " + str(a[2]));
                } else {
                    r.integer(st.failureReports(n, System.currentTimeMillis(), core.settings.nodeTimeout));
                }
            }
            case "failover" -> failover(c, core);
            case "set-config-epoch" -> {
                Long epoch = parseLong(a[2]);
                if (epoch == null) {
                    r.error("ERR value is not an integer or out of range");
                } else if (epoch < 0) {
                    r.error("ERR Invalid config epoch specified: " + epoch);
                } else if (st.nodes.size() > 1) {
                    r.error("ERR The user can assign a config epoch only when the node does not know any other node.");
                } else if (me.configEpoch != 0) {
                    r.error("ERR Node config epoch is already non-zero");
                } else {
                    me.configEpoch = epoch;
                    NodeLog.notice("configEpoch set to " + epoch + " via CLUSTER SET-CONFIG-EPOCH");
                    if (st.currentEpoch < epoch) {
                        st.currentEpoch = epoch;
                    }
                    st.todo(true);
                    r.ok();
                }
            }
            case "bumpepoch" -> {
                boolean bumped = mode.failover().bumpEpochWithoutConsensus();
                r.simple((bumped ? "BUMPED " : "STILL ") + me.configEpoch);
            }
            case "reset" -> reset(c, core);
            default -> r.error("ERR unknown subcommand '" + sub + "'. Try CLUSTER HELP.");
        }
    }

    private static Long parseLong(byte[] b) {
        try {
            return Long.parseLong(str(b));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** getSlotOrReply. */
    private static int slotOrReply(ReplyWriter r, byte[] arg) {
        Long v = parseLong(arg);
        if (v == null || v < 0 || v >= SlotTable.SLOTS) {
            r.error("ERR Invalid or out of range slot");
            return -1;
        }
        return v.intValue();
    }

    private void meet(ModuleCall c, ClusterCore core) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        if (a.length != 4 && a.length != 5) {
            r.error("ERR wrong number of arguments for 'cluster|meet' command");
            return;
        }
        Long port = parseLong(a[3]);
        if (port == null) {
            r.error("ERR Invalid TCP base port specified: " + str(a[3]));
            return;
        }
        Long cport = port + 10000;
        if (a.length == 5) {
            cport = parseLong(a[4]);
            if (cport == null) {
                r.error("ERR Invalid TCP bus port specified: " + str(a[4]));
                return;
            }
        }
        String ip = normalizeIp(str(a[2]));
        if (ip == null || port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
            r.error("ERR Invalid node address specified: " + str(a[2]) + ":" + str(a[3]));
            return;
        }
        core.startHandshake(ip, port.intValue(), cport.intValue());
        r.ok();
    }

    /** inet_pton's check and form: a literal IPv4 or IPv6 address, never a name (no DNS lookup). */
    static String normalizeIp(String s) {
        if (s.isEmpty() || !(s.matches("[0-9.]+") || s.contains(":"))) {
            return null;
        }
        try {
            if (s.matches("[0-9.]+") && s.split("\\.", -1).length != 4) {
                return null;
            }
            return java.net.InetAddress.getByName(s).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private void slots(ModuleCall c, ClusterCore core, boolean add, boolean ranges) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        ClusterState st = core.state;
        if (ranges && a.length % 2 == 1) {
            r.error("ERR wrong number of arguments for 'cluster|" + str(a[1]).toLowerCase(Locale.ROOT) + "' command");
            return;
        }
        BitSet wanted = new BitSet(SlotTable.SLOTS);
        int step = ranges ? 2 : 1;
        for (int j = 2; j < a.length; j += step) {
            int start = slotOrReply(r, a[j]);
            if (start < 0) {
                return;
            }
            int end = start;
            if (ranges) {
                end = slotOrReply(r, a[j + 1]);
                if (end < 0) {
                    return;
                }
                if (start > end) {
                    r.error("ERR start slot number " + start + " is greater than end slot number " + end);
                    return;
                }
            }
            for (int s = start; s <= end; s++) {
                if (add && st.slots.owner(s) != null) {
                    r.error("ERR Slot " + s + " is already busy");
                    return;
                }
                if (!add && st.slots.owner(s) == null) {
                    r.error("ERR Slot " + s + " is already unassigned");
                    return;
                }
                if (wanted.get(s)) {
                    r.error("ERR Slot " + s + " specified multiple times");
                    return;
                }
                wanted.set(s);
            }
        }
        for (int s = wanted.nextSetBit(0); s >= 0; s = wanted.nextSetBit(s + 1)) {
            if (add) {
                st.slots.importing(s, null); // an assigned slot is no longer imported
                st.slots.add(st.myself, s);
            } else {
                st.slots.remove(s);
            }
        }
        st.todo(true);
        r.ok();
    }

    private void setslot(ModuleCall c, ClusterCore core) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        ClusterState st = core.state;
        ClusterNode me = st.myself;
        if (me.isReplica()) {
            r.error("ERR Please use SETSLOT only with masters.");
            return;
        }
        int slot = slotOrReply(r, a[2]);
        if (slot < 0) {
            return;
        }
        String action = str(a[3]).toLowerCase(Locale.ROOT);
        ClusterNode n = a.length == 5 ? st.lookup(str(a[4]).toLowerCase(Locale.ROOT)) : null;
        if ((action.equals("migrating") || action.equals("importing")) && a.length == 5) {
            boolean migrating = action.equals("migrating");
            String refusal = migrating ? (st.slots.owner(slot) != me ? "ERR I'm not the owner of hash slot " + slot : null)
                    : (st.slots.owner(slot) == me ? "ERR I'm already the owner of hash slot " + slot : null);
            if (refusal == null && n == null) {
                refusal = "ERR I don't know about node " + str(a[4]);
            } else if (refusal == null && n.isReplica()) {
                refusal = "ERR Target node is not a master";
            }
            if (refusal != null) {
                r.error(refusal);
                return;
            }
            if (migrating) {
                st.slots.migrating(slot, n);
            } else {
                st.slots.importing(slot, n);
            }
        } else if (action.equals("stable") && a.length == 4) {
            st.slots.migrating(slot, null);
            st.slots.importing(slot, null);
        } else if (action.equals("node") && a.length == 5) {
            if (n == null) {
                r.error("ERR Unknown node " + str(a[4]));
                return;
            }
            if (n.isReplica()) {
                r.error("ERR Target node is not a master");
                return;
            }
            int keys = core.node.slotKeys().countKeysInSlot(slot);
            if (st.slots.owner(slot) == me && n != me && keys != 0) {
                r.error("ERR Can't assign hashslot " + slot
                        + " to a different node while I still hold keys for this hash slot.");
                return;
            }
            if (keys == 0 && st.slots.migratingTo(slot) != null) {
                st.slots.migrating(slot, null);
            }
            boolean wasMine = st.slots.owner(slot) == me;
            st.slots.remove(slot);
            st.slots.add(n, slot);
            if (wasMine && n != me && me.numSlots() == 0 && core.settings.allowReplicaMigration) {
                NodeLog.notice("Configuration change detected. Reconfiguring myself as a replica of " + n.name);
                core.setMyMaster(n);
            }
            if (n == me && st.slots.importingFrom(slot) != null) {
                if (mode.failover().bumpEpochWithoutConsensus()) {
                    NodeLog.notice("configEpoch updated after importing slot " + slot);
                }
                st.slots.importing(slot, null);
                core.broadcastPong(false);
            }
        } else {
            r.error("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
            return;
        }
        st.todo(true);
        r.ok();
    }

    private void getKeysInSlot(ModuleCall c, ClusterCore core) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        Long slot = parseLong(a[2]);
        Long max = parseLong(a[3]);
        if (slot == null || max == null) {
            r.error("ERR value is not an integer or out of range");
            return;
        }
        if (slot < 0 || slot >= SlotTable.SLOTS || max < 0) {
            r.error("ERR Invalid slot or number of keys");
            return;
        }
        int want = (int) Math.min(max, Integer.MAX_VALUE);
        List<byte[]> keys = core.node.slotKeys().keysInSlot(slot.intValue(), want);
        // names of keys the user may not read are not given (Redis would list them all)
        List<byte[]> visible = new java.util.ArrayList<>(keys.size());
        for (byte[] k : keys) {
            if (c.keyReadable(k)) {
                visible.add(k);
            }
        }
        r.array(visible.size());
        for (byte[] k : visible) {
            r.bulk(k);
        }
    }

    private void forget(ModuleCall c, ClusterCore core) {
        ReplyWriter r = c.reply();
        ClusterState st = core.state;
        String name = str(c.argv()[2]);
        ClusterNode n = st.lookup(name.toLowerCase(Locale.ROOT));
        if (n == null) {
            r.error("ERR Unknown node " + name);
        } else if (n == st.myself) {
            r.error("ERR I tried hard but I can't forget myself...");
        } else if (st.myself.isReplica() && st.myself.master == n) {
            r.error("ERR Can't forget my master!");
        } else {
            st.blacklist.put(n.name, System.currentTimeMillis() + 60_000);
            core.deleteNode(n);
            r.ok();
        }
    }

    private void replicate(ModuleCall c, ClusterCore core) {
        ReplyWriter r = c.reply();
        ClusterState st = core.state;
        String name = str(c.argv()[2]);
        ClusterNode n = st.lookup(name.toLowerCase(Locale.ROOT));
        ClusterNode me = st.myself;
        if (n == null) {
            r.error("ERR Unknown node " + name);
        } else if (n == me) {
            r.error("ERR Can't replicate myself");
        } else if (n.isReplica()) {
            r.error("ERR I can only replicate a master, not a replica.");
        } else if (me.isMaster() && (me.numSlots() != 0 || core.node.slotKeys().size() != 0)) {
            r.error("ERR To set a master the node must be empty and without assigned slots.");
        } else {
            core.setMyMaster(n);
            r.ok();
        }
    }

    private void failover(ModuleCall c, ClusterCore core) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        boolean force = false;
        boolean takeover = false;
        if (a.length == 3) {
            String opt = str(a[2]).toLowerCase(Locale.ROOT);
            if (opt.equals("force")) {
                force = true;
            } else if (opt.equals("takeover")) {
                takeover = true;
                force = true;
            } else {
                r.error("ERR syntax error");
                return;
            }
        } else if (a.length > 3) {
            r.error("ERR syntax error");
            return;
        }
        ClusterNode me = core.state.myself;
        if (me.isMaster()) {
            r.error("ERR You should send CLUSTER FAILOVER to a replica");
            return;
        }
        if (me.master == null) {
            r.error("ERR I'm a replica but my master is unknown to me");
            return;
        }
        if (!force && (me.master.failed() || me.master.link == null)) {
            r.error("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
            return;
        }
        long now = System.currentTimeMillis();
        core.manual.reset(core.node);
        core.manual.startAsReplica(now);
        if (takeover) {
            NodeLog.notice("Taking over the master (user request).");
            mode.failover().bumpEpochWithoutConsensus();
            mode.failover().replaceMyMaster();
        } else if (force) {
            NodeLog.notice("Forced failover user request accepted.");
            core.manual.canStart = true;
            mode.failover().authTime = 0;
        } else {
            NodeLog.notice("Manual failover user request accepted.");
            if (me.master.link instanceof BusLink l) {
                l.send(core.header(BusMessage.MFSTART));
            }
        }
        r.ok();
    }

    private void reset(ModuleCall c, ClusterCore core) {
        byte[][] a = c.argv();
        ReplyWriter r = c.reply();
        boolean hard = false;
        if (a.length == 3) {
            String opt = str(a[2]).toLowerCase(Locale.ROOT);
            if (opt.equals("hard")) {
                hard = true;
            } else if (!opt.equals("soft")) {
                r.error("ERR syntax error");
                return;
            }
        } else if (a.length > 3) {
            r.error("ERR syntax error");
            return;
        }
        ClusterState st = core.state;
        ClusterNode me = st.myself;
        if (me.isMaster() && core.node.slotKeys().size() != 0) {
            r.error("ERR CLUSTER RESET can't be called with master nodes containing keys");
            return;
        }
        mode.reset(hard);
        r.ok();
    }

    private static void help(ReplyWriter r) {
        String[] lines = {
            "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ADDSLOTS <slot> [<slot> ...]", "    Assign slots to current node.",
            "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
            "    Assign slots which are between <start-slot> and <end-slot> to current node.",
            "BUMPEPOCH", "    Advance the cluster config epoch.",
            "COUNT-FAILURE-REPORTS <node-id>", "    Return number of failure reports for <node-id>.",
            "COUNTKEYSINSLOT <slot>", "    Return the number of keys in <slot>.",
            "DELSLOTS <slot> [<slot> ...]", "    Delete slots information from current node.",
            "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
            "    Delete slots information which are between <start-slot> and <end-slot>.",
            "FAILOVER [FORCE|TAKEOVER]", "    Promote current replica node to being a master.",
            "FORGET <node-id>", "    Remove a node from the cluster.",
            "GETKEYSINSLOT <slot> <count>", "    Return key names stored by current node in a slot.",
            "FLUSHSLOTS", "    Delete current node own slots information.",
            "INFO", "    Return information about the cluster.",
            "KEYSLOT <key>", "    Return the hash slot for <key>.",
            "MEET <ip> <port> [<bus-port>]", "    Connect nodes into a working cluster.",
            "MYID", "    Return the node id.",
            "NODES", "    Return cluster configuration seen by node. Output format:",
            "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
            "REPLICATE <node-id>", "    Configure current node as replica to <node-id>.",
            "RESET [HARD|SOFT]", "    Reset current node (default: soft).",
            "SET-CONFIG-EPOCH <epoch>", "    Set config epoch of current node.",
            "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
            "    Set slot state.",
            "REPLICAS <node-id>", "    Return <node-id> replicas.",
            "SAVECONFIG", "    Force saving cluster configuration on disk.",
            "SLOTS", "    Return information about slots range mappings. Each range is made of:",
            "    start, end, master and replicas IP addresses, ports and ids",
            "SHARDS", "    Return information about slot range mappings and the nodes associated with them.",
            "LINKS", "    Return information about all network links between this node and its peers.",
            "    Output format is an array where each array element is a map containing attributes of a link",
            "HELP", "    Print this help."};
        r.array(lines.length);
        for (String l : lines) {
            r.simple(l);
        }
    }
}
