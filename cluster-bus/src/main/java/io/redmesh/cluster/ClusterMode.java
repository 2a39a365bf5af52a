package io.redmesh.cluster;

import io.redmesh.cluster.bus.BusTransport;
import io.redmesh.cluster.command.SlotRouter;
import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.NodesFile;
import io.redmesh.node.spi.InfoSection;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cluster mode's composition: state, bus, cron, failover, routing, commands, INFO, wired into a
 * node through node/spi only. With {@code cluster-enabled no} only the commands are bound, and
 * they answer "This instance has cluster support disabled" as Redis does (MIGRATE works either
 * way).
 *
 * <pre>
 * ClusterMode cluster = new ClusterMode();
 * Node node = Node.fromArgs(args, List.of(replication.commands(), cluster.commands()));
 * replication.attach(node.control());
 * cluster.attach(node.control());          // nodes.conf loaded, bus bound before clients are served
 * node.start();
 * </pre>
 */
public final class ClusterMode {
    private final ClusterCommands commands = new ClusterCommands(this);
    private final Migrate migrate = new Migrate();
    private NodeControl node;
    private ClusterSettings settings;
    private ClusterCore core;
    private Failover failover;
    private MessageHandler handler;
    private ClusterCron cron;
    private TopologyReplies topology;
    private volatile boolean enabled;

    /** The commands to bind when the node is built (CLUSTER, ASKING, READONLY, READWRITE, MIGRATE). */
    public ModuleCommands commands() {
        return b -> {
            commands.register(b);
            migrate.register(b);
        };
    }

    /** Plugs into a built, not yet started node. */
    public void attach(NodeControl control) {
        this.node = control;
        migrate.attach(control);
        if (!control.config("cluster-enabled").equals("yes")) {
            control.addInfoSection(section("cluster_enabled:0\r\n"));
            return;
        }
        enabled = true;
        settings = new ClusterSettings(control);
        for (String name : ClusterSettings.WATCHED) {
            control.onConfigChange(name, this::settingsChanged);
        }
        Path dir = Path.of(control.config("dir"));
        NodesFile file = new NodesFile(dir.resolve(control.config("cluster-config-file")));
        core = new ClusterCore(control, settings, file);
        failover = new Failover(core);
        handler = new MessageHandler(core, failover);
        cron = new ClusterCron(core, failover, handler);
        topology = new TopologyReplies(core);
        control.clusterLinksMemory(core::linksMemory);
        control.addInfoSection(section("cluster_enabled:1\r\n"));
        control.router(new SlotRouter(core.state, new SlotRouter.Settings() {
            @Override
            public boolean allowReadsWhenDown() {
                return settings.allowReadsWhenDown;
            }

            @Override
            public boolean allowPubsubshardWhenDown() {
                return settings.allowPubsubshardWhenDown;
            }

            @Override
            public String preferredEndpoint() {
                return settings.preferredEndpoint;
            }

            @Override
            public boolean busBehind() {
                return core.busBehind();
            }
        }));
        control.onPublish((channel, message) -> core.propagatePublish(channel, message, false));
        control.onShardPublish((channel, message) -> core.propagatePublish(channel, message, true));
        control.beforeListen(this::load);
        control.afterStart(this::started);
        control.beforeStop(this::stop);
    }

    private static InfoSection section(String text) {
        return new InfoSection() {
            @Override
            public String name() {
                return "cluster";
            }

            @Override
            public String render() {
                return text;
            }
        };
    }

    /** clusterInit: nodes.conf loaded (or a new node created and saved), the bus port bound. */
    private void load() {
        ClusterState st = core.state;
        try {
            core.file.lock();
            if (core.file.exists()) {
                core.file.load(st);
                NodeLog.notice("Node configuration loaded, I'm " + st.myself.name);
            } else {
                ClusterNode me = new ClusterNode(ClusterState.randomName(), ClusterNode.MYSELF | ClusterNode.MASTER);
                st.add(me);
                st.myself = me;
                NodeLog.notice("No cluster configuration found, I'm " + me.name);
            }
            core.refreshMyself();
            core.save();
        } catch (NodesFile.Corrupt | java.io.IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        core.transport = new BusTransport(new BusTransport.Events() {
            @Override
            public void message(io.redmesh.cluster.bus.BusLink link, io.redmesh.cluster.bus.BusMessage m) {
                core.locked(() -> handler.handle(link, m));
            }

            @Override
            public void closed(io.redmesh.cluster.bus.BusLink link) {
                core.locked(() -> {
                    for (ClusterNode n : core.state.all()) {
                        if (n.link == link) {
                            n.link = null;
                        }
                        if (n.inboundLink == link) {
                            n.inboundLink = null;
                        }
                    }
                });
            }
        }, node.busTls(), () -> settings.tlsCluster);
        int port = core.busPort();
        try {
            for (String addr : bindAddresses()) {
                core.transport.listen(addr, port);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not bind the cluster bus port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The bus listens where clients are served ("bind"), loopback by default like Redis. */
    private List<String> bindAddresses() {
        List<String> out = new ArrayList<>();
        for (String a : node.config("bind").split(" ")) {
            String addr = a.startsWith("-") ? a.substring(1) : a;
            if (addr.equals("*")) {
                addr = "0.0.0.0";
            } else if (addr.equals("::*")) {
                addr = out.contains("0.0.0.0") ? "" : "::";
            }
            if (!addr.isEmpty() && !out.contains(addr)) {
                out.add(addr);
            }
        }
        if (out.isEmpty()) {
            out.add("127.0.0.1");
        }
        return out;
    }

    private void started() {
        warnIfUnauthenticated();
        core.transport.loop().scheduleAtFixedRate(() -> core.locked(cron::tick), 100, 100, TimeUnit.MILLISECONDS);
    }

    private void stop() {
        if (core.transport != null) {
            core.locked(core::save);
            core.transport.close();
        }
        core.file.unlock();
    }

    private void settingsChanged() {
        boolean wasTls = settings.tlsCluster;
        settings.reload();
        if (core.state.myself == null) {
            return; // start-up applies every directive before nodes.conf is read
        }
        core.refreshMyself();
        if (wasTls != settings.tlsCluster) {
            warnIfUnauthenticated();
            // links reconnect in the new mode; the same bus port keeps listening for both
            for (ClusterNode n : core.state.all()) {
                core.freeLink(n);
            }
        }
    }

    /**
     * cluster-bus-port-protected-mode waived (node's ClusterBusProtection refuses this state
     * otherwise): said once at start and at each switch, as redis/redis PR #15722 does.
     */
    private void warnIfUnauthenticated() {
        if (!settings.tlsCluster && !node.config("tls-port").equals("0")) {
            NodeLog.warning("WARNING: the cluster bus port is not authenticated: tls-port is set but tls-cluster is off "
                    + "(cluster-bus-port-protected-mode no). Make sure only cluster nodes can reach it.");
        }
    }

    /** clusterReset: forget every other node; HARD also drops the epochs and takes a new name. */
    void reset(boolean hard) {
        ClusterState st = core.state;
        ClusterNode me = st.myself;
        if (me.isReplica()) {
            st.setAsMaster(me);
            if (core.replication() != null) {
                core.replication().promote();
            }
            core.replicating = false;
            for (int j = 0; j < io.redmesh.cluster.state.SlotTable.SLOTS; j++) {
                if (core.node.slotKeys().countKeysInSlot(j) > 0) {
                    core.node.slotKeys().deleteSlot(j); // emptyData(): a reset replica keeps nothing
                }
            }
        }
        st.slots.closeAll();
        core.manual.reset(node);
        st.slots.removeAll(me);
        for (ClusterNode n : new ArrayList<>(st.all())) {
            if (n != me) {
                core.deleteNode(n);
            }
        }
        if (hard) {
            st.currentEpoch = 0;
            st.lastVoteEpoch = 0;
            me.configEpoch = 0;
            String old = me.name;
            st.rename(me, ClusterState.randomName());
            NodeLog.notice("Node hard reset, now I'm " + me.name + " (was " + old + ")");
        }
        st.todo(true);
    }

    boolean enabled() {
        return enabled;
    }

    ClusterCore core() {
        return core;
    }

    TopologyReplies topology() {
        return topology;
    }

    Failover failover() {
        return failover;
    }
}
