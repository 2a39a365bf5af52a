package io.redmesh.sentinel;

import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.SentinelMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Sentinel's composition: a node built in sentinel mode with this module's configuration lines
 * and commands, then attached. Every part shares this object; all sentinel state is read and
 * written under the node's lock (commands hold it already; link replies and the timer take it).
 *
 * <pre>
 * Sentinel sentinel = new Sentinel();
 * Node node = Node.fromArgs(args, List.of(sentinel.commands()), sentinel.mode());
 * sentinel.attach(node.control());
 * node.start();                    // +monitor events, then the timer watches the masters
 * </pre>
 */
public final class Sentinel {
    final SentinelState state = new SentinelState();
    final Scripts scripts = new Scripts(state.timings);
    final Instances instances = new Instances(this);
    final Links links = new Links(this);
    final Monitor monitor = new Monitor(this);
    final InfoRefresh infoRefresh = new InfoRefresh(this);
    final Failover failover = new Failover(this);
    final LeaderElection election = new LeaderElection(this);
    private final SentinelConfig config = new SentinelConfig(this);
    private final SentinelCommands commands = new SentinelCommands(this);
    private final SentinelTimer timer = new SentinelTimer(this);
    NodeControl node;
    Events events;

    /** What the node must know when it is built: sentinel mode, with these configuration lines. */
    public SentinelMode mode() {
        return config;
    }

    /** SENTINEL, and the sentinel's own ROLE and PUBLISH. */
    public ModuleCommands commands() {
        return commands;
    }

    /** Plugs into the node built with {@link #mode()} and {@link #commands()}, before it starts. */
    public void attach(NodeControl control) {
        this.node = control;
        this.events = new Events(state, control, scripts);
        scripts.events((type, msg) -> events.plain(Events.Level.WARNING, type, null, msg));
        control.addInfoSection(new SentinelInfo(this));
        control.beforeListen(this::checkConfigFile);
        control.afterStart(this::started);
        control.beforeStop(this::stop);
    }

    /** sentinelCheckConfigFile(): the state lives in the config file, so there must be a writable one. */
    private void checkConfigFile() {
        Path file = node.configFile();
        if (file == null) {
            throw new IllegalStateException("Sentinel needs config file on disk to save state. Exiting...");
        }
        if (!Files.isWritable(file)) {
            throw new IllegalStateException("Sentinel config file " + file + " is not writable: "
                    + (Files.exists(file) ? "Permission denied" : "No such file or directory") + ". Exiting...");
        }
    }

    /** sentinelIsRunning(): an id picked (and saved) on the first start, +monitor for every master. */
    private void started() {
        locked(() -> {
            if (state.myid == null) {
                byte[] id = new byte[SentinelState.RUN_ID_SIZE / 2];
                new SecureRandom().nextBytes(id);
                state.myid = HexFormat.of().formatHex(id);
                flushConfig();
            }
            NodeLog.warning("Sentinel ID is " + state.myid);
            for (Instance ri : state.masters.values()) {
                events.instance(Events.Level.WARNING, "+monitor", ri, "quorum " + ri.quorum);
            }
        });
        timer.start();
    }

    private void stop() {
        timer.stop();
        locked(() -> {
            for (Instance m : state.masters.values()) {
                instances.release(m);
            }
            scripts.killAll();
        });
    }

    /** sentinelFlushConfig(): the config file rewritten with the sentinel's state; false if it failed. */
    boolean flushConfig() {
        try {
            node.rewriteConfig();
            NodeLog.notice("Sentinel new configuration saved on disk");
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            NodeLog.warning("WARNING: Sentinel was not able to save the new configuration on disk!!!: "
                    + e.getMessage());
            return false;
        }
    }

    /** sentinelFlushConfigAndReply(). */
    void flushConfigAndReply(io.redmesh.node.spi.ReplyWriter r) {
        if (flushConfig()) {
            r.ok();
        } else {
            r.error("ERR Failed to save config file. Check server logs.");
        }
    }

    /** SENTINEL SIMULATE-FAILURE: dies as a crash would (exit code 99, nothing flushed). */
    void simulatedCrash() {
        NodeLog.warning("Sentinel CRASH because of SENTINEL simulate-failure");
        Runtime.getRuntime().halt(99);
    }

    /** Runs {@code r} under the node's lock (link replies and the timer come from other threads). */
    void locked(Runnable r) {
        node.underLock(r);
    }
}
