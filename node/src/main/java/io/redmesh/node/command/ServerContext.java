package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.EvictionPolicy;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.db.KeyspaceListener;
import io.redmesh.node.spi.ExecutedCommandListener;
import io.redmesh.node.spi.InfoSection;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything commands share (Redis's struct redisServer, minus the sockets): configuration,
 * keyspace, command table, registries for WATCH, blocking and pub/sub, statistics, and the hooks
 * upper modules plug into. Commands run one at a time under {@link #lock}, which makes each
 * command and each EXEC atomic whatever thread the connection lives on.
 */
public final class ServerContext {
    /** The Redis version we answer as; Redis 7.0 as Debian ships it is our reference. */
    public static final String REDIS_VERSION = "7.0.15";
    public static final String REDMESH_VERSION = "0.1.0";

    public final ServerConfig config;
    public final Keyspace keyspace;
    public final ReentrantLock lock = new ReentrantLock();
    public final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong nextClientId = new AtomicLong(1);
    public final PubSubRegistry pubsub = new PubSubRegistry();
    /** Keyspace notifications (notify-keyspace-events). */
    public final KeyspaceEvents events;
    final WatchRegistry watch = new WatchRegistry();
    /** Client-side caching: the invalidation table and BCAST prefixes (CLIENT TRACKING). */
    public final ClientTracking tracking;
    public final BlockingRegistry blocking = new BlockingRegistry();
    public final SlowLog slowlog = new SlowLog();
    /** LATENCY's events (latency-monitor-threshold). */
    public final LatencyMonitor latency;
    /** client-output-buffer-limit and the other bounds on what a client may hold. */
    final OutputBufferLimits outputLimits;
    public final ServerStats stats = new ServerStats();
    /** A shutdown waiting for replicas (shutdown-timeout), and what it waits for. */
    private final PendingShutdown pendingShutdown = new PendingShutdown(this);
    public final Set<Session> monitors = ConcurrentHashMap.newKeySet();
    /** The executed-write stream's subscribers: the AOF while it is on, upper modules (spi). */
    private final CopyOnWriteArrayList<ExecutedCommandListener> writeListeners = new CopyOnWriteArrayList<>();
    /** Set while replies must wait for the AOF (see DurabilityBarrier); null otherwise. */
    private volatile DurabilityBarrier durability;
    /**
     * Writes of the execution unit in progress (a top-level command with what it runs, e.g.
     * EXEC's queue, and keys it expired), emitted together when it ends: Redis 7.0's
     * also_propagate array.
     */
    private final List<Object[]> pendingPropagation = new ArrayList<>();
    /** Nesting of Dispatcher.call (EXEC calls its queued commands). */
    int executionDepth;
    private static final byte[] DEL = "DEL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] UNLINK = "UNLINK".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[][] MULTI = {"MULTI".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
    private static final byte[][] EXEC = {"EXEC".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
    /** INFO sections upper modules added (one named like a built-in replaces it). */
    private final List<InfoSection> infoSections = new CopyOnWriteArrayList<>();
    /** What replication holds in memory (INFO memory); the replication module reports it. */
    private volatile io.redmesh.node.spi.ReplicationMemory replicationMemory = io.redmesh.node.spi.ReplicationMemory.NONE;
    private volatile java.util.function.LongSupplier clusterLinksMemory = () -> 0;
    /** Persistence as INFO, SAVE, SHUTDOWN and FLUSHALL see it; set once by the composition root. */
    private PersistenceHooks persistence = PersistenceHooks.NONE;
    private boolean persistenceSet;
    /** EVAL's Lua engine and script cache, made on first use (under the lock). */
    private volatile io.redmesh.node.script.ScriptingEngine scripting;
    /** The function libraries and their Lua engine (FUNCTION, FCALL), made on first use (under the lock). */
    private volatile io.redmesh.node.script.FunctionLibraries functions;
    private final ScriptThread scriptThread = new ScriptThread(this);
    /** The script whose busy state was last logged (Redis logs "Slow script detected" once). */
    private volatile io.redmesh.node.script.ScriptRun busyLogged;

    /** Where EVAL runs scripts (see ScriptThread). */
    public ScriptThread scriptThread() {
        return scriptThread;
    }

    /** The script running now, or null; read without the lock. */
    public io.redmesh.node.script.ScriptRun runningScript() {
        io.redmesh.node.script.ScriptingEngine e = scripting;
        io.redmesh.node.script.ScriptRun run = e == null ? null : e.running();
        io.redmesh.node.script.FunctionLibraries f = functions;
        return run != null || f == null ? run : f.engine().running();
    }

    /**
     * Takes the lock for periodic work on an event loop (the cron), unless the script thread has
     * held it (or has been about to take it) for 50 ms: false then, and the work is skipped, so
     * that the loop goes on answering its clients (-BUSY) while a long script runs.
     */
    public boolean lockUnlessScriptRuns() {
        if (lock.tryLock()) {
            return true;
        }
        if (scriptThread.active()) {
            try {
                return lock.tryLock(50, java.util.concurrent.TimeUnit.MILLISECONDS); // a short script ends first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        lock.lock();
        return true;
    }

    /**
     * Takes the lock for work an event loop does on its own (a closed connection's cleanup, a
     * blocking timeout, a delivered message), unless the script thread has it: then the work is
     * put back on the loop for a few milliseconds later and false is returned, so that the loop
     * is not frozen behind a long script and goes on answering -BUSY.
     */
    boolean lockOrDeferForScript(SessionTransport loop, Runnable retry) {
        if (lock.tryLock()) {
            return true;
        }
        if (scriptThread.active()) {
            loop.schedule(retry, 5);
            return false;
        }
        lock.lock();
        return true;
    }

    /** Stops the running script, if any, at its next hook check (the node is stopping). */
    public void killRunningScript() {
        io.redmesh.node.script.ScriptRun run = runningScript();
        if (run != null) {
            run.kill();
        }
    }

    /** Whether a script has held the lock past busy-reply-threshold (other clients get -BUSY). */
    public boolean scriptBusy() {
        io.redmesh.node.script.ScriptRun run = runningScript();
        return run != null && run.elapsedMillis() >= config.getLong("busy-reply-threshold");
    }

    /** Logs once per script that it went past the threshold, as Redis's scriptInterrupt(). */
    void noteBusyScript(io.redmesh.node.script.ScriptRun run) {
        if (busyLogged != run) {
            busyLogged = run;
            io.redmesh.node.util.ServerLog.warning("Slow script detected: still in execution after "
                    + run.elapsedMillis() + " milliseconds. You can try killing the script using the SCRIPT KILL command.");
        }
    }

    /** The function libraries; called under the lock. */
    public io.redmesh.node.script.FunctionLibraries functions() {
        if (functions == null) {
            functions = new io.redmesh.node.script.FunctionLibraries(
                    new io.redmesh.node.script.LuaFunctionEngine(new ScriptCalls(this)));
        }
        return functions;
    }

    /** Every library's payload for an RDB being written (none when functions were never used). */
    public java.util.List<byte[]> functionCodes() {
        io.redmesh.node.script.FunctionLibraries f = functions;
        return f == null ? java.util.List.of() : f.codes();
    }

    /**
     * The libraries of a loaded RDB (start-up, AOF base, full sync from a master) replace the
     * ones loaded: a dataset carries all of its functions. Untimed, as Redis loads them.
     *
     * @throws io.redmesh.node.util.RedisException naming the library that cannot be created
     */
    public void installFunctions(java.util.List<byte[]> codes) {
        if (codes.isEmpty() && functions == null) {
            return;
        }
        io.redmesh.node.script.ScriptRun run = new io.redmesh.node.script.ScriptRun(null, "", 0, false, false, true, null);
        run.untimedLoad();
        functions().restore(codes, io.redmesh.node.script.FunctionLibraries.RestorePolicy.FLUSH, run);
    }

    /** The function libraries if any were ever made (FUNCTION STATS without the lock), else null. */
    public io.redmesh.node.script.FunctionLibraries functionsIfMade() {
        return functions;
    }

    /** EVAL's engine if a script ever ran, else null (no Lua state is made to answer "none"). */
    public io.redmesh.node.script.ScriptingEngine scriptingIfMade() {
        return scripting;
    }

    /** The Lua engine; called under the lock. */
    public io.redmesh.node.script.ScriptingEngine scripting() {
        if (scripting == null) {
            scripting = new io.redmesh.node.script.ScriptingEngine(new ScriptCalls(this));
        }
        return scripting;
    }

    /** Access control as commands see it; set once by the composition root. */
    private AccessControl accessControl;
    public final long startMillis = System.currentTimeMillis();
    public final String runId;
    private CommandTable table;
    private Dispatcher dispatcher;

    /** The bound ports, as the network layer reports them (INFO, metrics, the agent). */
    private volatile int tcpPort;
    private volatile int tlsPort;
    /** What INFO server reports as executable and config_file; set once by the composition root. */
    private volatile String executable = "";
    private volatile String configFilePath = "";
    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private volatile boolean shuttingDown;
    /** Changes since the last save (Redis's server.dirty, INFO rdb_changes_since_last_save). */
    private long dirty;

    // Values read on every command, cached from the config.
    volatile long maxmemory;
    volatile long slowlogSlowerThan;
    volatile int slowlogMaxLen;
    volatile String requirepass = "";
    private volatile boolean activeExpireEnabled = true;
    volatile boolean latencyTracking = true;
    /**
     * What an unrecoverable error does (an AOF write failing under appendfsync always): Redis
     * exits at once so that no reply acknowledging the lost write leaves. halt(), not exit():
     * shutdown hooks would flush those replies.
     */
    public final Runnable fatalExit = () -> Runtime.getRuntime().halt(1);
    /**
     * The default ACL user's "nopass" and "on" flags, kept current by the ACL layer (which
     * clears "enabled" for a certonly default user too: no connection is logged in as it
     * without a certificate).
     */
    private volatile boolean defaultUserNoPass = true;
    private volatile boolean defaultUserEnabled = true;
    /** Whether the default user may run everything (new sessions skip ACL checks then). */
    private volatile boolean defaultUserUnrestricted = true;

    /** Sentinel mode (redis-server --sentinel): see {@code spi.SentinelMode}. */
    public boolean sentinelMode() {
        return config.sentinelMode() != null;
    }

    public ServerContext(ServerConfig config) {
        this.config = config;
        this.keyspace = new Keyspace(config.getInt("databases"));
        this.outputLimits = new OutputBufferLimits(config);
        this.latency = new LatencyMonitor(config);
        byte[] id = new byte[20];
        new SecureRandom().nextBytes(id);
        this.runId = HexFormat.of().formatHex(id);
        // Expired and evicted keys reach replicas and the AOF as DEL, as Redis's propagateDeletion().
        // propagateDeletion(): UNLINK when lazyfree-lazy-expire / -eviction frees it lazily, DEL otherwise
        this.events = new KeyspaceEvents(config, pubsub);
        this.tracking = new ClientTracking(this);
        keyspace.expiredHook((db, key, evicted) -> {
            if (!evicted) {
                events.notify(KeyspaceEvents.EXPIRED, "expired", key, db.index); // before the DEL, as 7.0
            }
            alsoPropagate(db.index, new byte[][] {
                config.getBool(evicted ? "lazyfree-lazy-eviction" : "lazyfree-lazy-expire") ? UNLINK : DEL, key});
            if (evicted) {
                events.notify(KeyspaceEvents.EVICTED, "evicted", key, db.index);
            }
        });
        keyspace.listener(new KeyspaceListener() {
            @Override
            public void keyModified(Database db, byte[] key) {
                watch.touch(db, key);
                tracking.invalidateKey(key, true);
            }

            @Override
            public void keyReady(Database db, byte[] key) {
                blocking.keyReady(db, key);
            }

            @Override
            public void keyCreated(Database db, byte[] key) {
                events.notify(KeyspaceEvents.NEW, "new", key, db.index);
            }

            @Override
            public void keyMissed(Database db, byte[] key) {
                events.notify(KeyspaceEvents.KEY_MISS, "keymiss", key, db.index);
            }

            @Override
            public void databaseReplaced(Database db, Database replacement) {
                watch.touchAll(db, replacement, keyspace.now());
                blocking.contentsReplaced(db, replacement);
            }
        });
        // maxmemory is unsigned: 2^64-1 reads as -1 here and means "no practical limit"
        config.onChange("maxmemory", v -> {
            maxmemory = (Long) v < 0 ? Long.MAX_VALUE : (Long) v;
            HeapHeadroom.check(maxmemory, Runtime.getRuntime().maxMemory());
        });
        config.onChange("slowlog-log-slower-than", v -> slowlogSlowerThan = (Long) v);
        config.onChange("slowlog-max-len", v -> {
            slowlogMaxLen = (int) Math.min(Integer.MAX_VALUE, (Long) v);
            slowlog.trim(slowlogMaxLen);
        });
        config.onChange("requirepass", v -> requirepass = (String) v);
        config.onChange("latency-tracking", v -> latencyTracking = (Boolean) v);
        Runnable eviction = () -> keyspace.configureEviction(
                EvictionPolicy.fromConfig(config.getString("maxmemory-policy")),
                config.getInt("maxmemory-samples"), config.getInt("lfu-log-factor"), config.getInt("lfu-decay-time"));
        for (String n : List.of("maxmemory-policy", "maxmemory-samples", "lfu-log-factor", "lfu-decay-time")) {
            config.onChange(n, v -> eviction.run());
        }
    }

    // ------------------------------------------------------------------ parts, each set once

    // ------------------------------------------------------------------ server state

    public DurabilityBarrier durability() {
        return durability;
    }

    /** Installed by the AOF while it is on (null: replies never wait). */
    public void durability(DurabilityBarrier barrier) {
        durability = barrier;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The network layer reports a listener's port after every (re)bind; 0 when none. */
    public void boundPort(boolean tls, int port) {
        if (tls) {
            tlsPort = port;
        } else {
            tcpPort = port;
        }
    }

    public String executable() {
        return executable;
    }

    public String configFilePath() {
        return configFilePath;
    }

    /** What INFO server names as the process's executable (the launcher's command). */
    public void executable(String path) {
        executable = path;
    }

    /** What INFO server names as the config file. */
    public void configFilePath(String path) {
        configFilePath = path;
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public void lastSaveSeconds(long seconds) {
        lastSaveSeconds = seconds;
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }

    public void markShuttingDown() {
        shuttingDown = true;
    }

    /** Changes since the last successful save (under the lock). */
    public long dirty() {
        return dirty;
    }

    /** Counts changes (a write command's delta; negative after a save took some of them). */
    public void addDirty(long changes) {
        dirty += changes;
    }

    /** Sets the change counter (0 after a synchronous save). */
    public void dirty(long changes) {
        dirty = changes;
    }

    public boolean activeExpireEnabled() {
        return activeExpireEnabled;
    }

    /** DEBUG SET-ACTIVE-EXPIRE. */
    public void activeExpireEnabled(boolean on) {
        activeExpireEnabled = on;
    }

    public boolean defaultUserNoPass() {
        return defaultUserNoPass;
    }

    public boolean defaultUserUnrestricted() {
        return defaultUserUnrestricted;
    }

    /**
     * The ACL layer reports the default user whenever it changes: its "nopass" flag, whether a
     * connection can be logged in as it without a certificate ("on" and not certonly), and
     * whether it may run everything (new sessions skip ACL checks then).
     */
    public void defaultUser(boolean noPass, boolean enabled, boolean unrestricted) {
        defaultUserNoPass = noPass;
        defaultUserEnabled = enabled;
        defaultUserUnrestricted = unrestricted;
    }

    public void table(CommandTable t) {
        this.table = once(this.table, t, "command table");
    }

    public CommandTable table() {
        return table;
    }

    public void dispatcher(Dispatcher d) {
        this.dispatcher = once(this.dispatcher, d, "dispatcher");
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public void accessControl(AccessControl a) {
        this.accessControl = once(this.accessControl, a, "access control");
    }

    public AccessControl accessControl() {
        return accessControl;
    }

    public void persistence(PersistenceHooks p) {
        if (persistenceSet) {
            throw new IllegalStateException("persistence is already set");
        }
        persistenceSet = true;
        this.persistence = p;
    }

    public PendingShutdown pendingShutdown() {
        return pendingShutdown;
    }

    public PersistenceHooks persistence() {
        return persistence;
    }

    /** Subscribes to the executed-write stream (each listener once). */
    public void addWriteListener(ExecutedCommandListener l) {
        writeListeners.addIfAbsent(l);
    }

    public void removeWriteListener(ExecutedCommandListener l) {
        writeListeners.remove(l);
    }

    public boolean hasWriteListeners() {
        return !writeListeners.isEmpty();
    }

    public io.redmesh.node.spi.ReplicationMemory replicationMemory() {
        return replicationMemory;
    }

    /** The most one reply may hold (OutputBufferLimits.replyCeiling): commands that can tell early refuse past it. */
    public long replyCeiling() {
        return outputLimits.replyCeiling();
    }

    public void replicationMemory(io.redmesh.node.spi.ReplicationMemory m) {
        replicationMemory = m;
    }

    /**
     * DEBUG CHANGE-REPL-ID: Redis's changeReplicationId() + clearReplicationId2(), which the
     * replication module owns (it installs the action); without it the node has no history to
     * change. Called under the lock.
     */
    public void changeReplicationId() {
        changeReplicationId.run();
    }

    /**
     * DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files are accepted without
     * their CRC-64 checked (Redis's server.skip_checksum_validation, for tests of corrupt data).
     */
    public volatile boolean skipChecksumValidation;

    /** Whether an RDB file's checksum is verified on load: rdbchecksum, unless DEBUG turned checks off. */
    public boolean verifyRdbChecksums() {
        return config.getBool("rdbchecksum") && !skipChecksumValidation;
    }

    public void changeReplicationIdAction(Runnable action) {
        changeReplicationId = action == null ? () -> { } : action;
    }

    private volatile Runnable changeReplicationId = () -> { };

    /** What the cluster bus's links hold (INFO mem_cluster_links); 0 outside cluster mode. */
    public long clusterLinksMemory() {
        return clusterLinksMemory.getAsLong();
    }

    public void clusterLinksMemory(java.util.function.LongSupplier bytes) {
        clusterLinksMemory = bytes;
    }

    public void addInfoSection(InfoSection s) {
        infoSections.add(s);
    }

    /** The sections upper modules added, in the order they were added. */
    public List<InfoSection> infoSections() {
        return java.util.Collections.unmodifiableList(infoSections);
    }

    /** The composition root wires each part once; a second assignment is a wiring bug. */
    private static <T> T once(T current, T next, String what) {
        if (current != null) {
            throw new IllegalStateException(what + " is already set");
        }
        return java.util.Objects.requireNonNull(next, what);
    }

    public long newClientId() {
        return nextClientId.getAndIncrement();
    }

    /**
     * Redis's authRequired() without the client: connections not yet authenticated must AUTH
     * unless the default user is "nopass" and "on".
     */
    public boolean authRequired() {
        return !defaultUserNoPass || !defaultUserEnabled;
    }

    public String requirepass() {
        return requirepass;
    }

    public long maxmemory() {
        return maxmemory;
    }

    public Collection<Session> sessions() {
        return new ArrayList<>(sessions.values());
    }

    /** Registers a new connection's session. */
    public Session openSession(SessionTransport transport) {
        Session s = new Session(newClientId(), this, transport);
        sessions.put(s.id, s);
        stats.totalConnections++;
        return s;
    }

    /** Cleans up after a connection closed: transaction, watches, subscriptions, blocking. */
    public void closeSession(Session s) {
        if (!lockOrDeferForScript(s.transport, () -> closeSession(s))) {
            return;
        }
        try {
            sessions.remove(s.id);
            monitors.remove(s);
            watch.unwatchAll(s);
            tracking.disable(s);
            BlockingRegistry.BlockedState st = blocking.unblock(s);
            if (st != null) {
                s.pending.clear();
            }
            for (ByteString c : new ArrayList<>(s.channels)) {
                pubsub.unsubscribe(s, c);
            }
            for (ByteString p : new ArrayList<>(s.patterns)) {
                pubsub.punsubscribe(s, p);
            }
            for (ByteString c : new ArrayList<>(s.shardChannels)) {
                pubsub.sunsubscribe(s, c);
            }
            s.release();
            if (s.replicaLink != null) {
                s.replicaLink.closed();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a write of the current execution unit (Redis's alsoPropagate); outside any command
     * (active expiry in the cron) it is emitted at once. Called under the lock.
     */
    public void alsoPropagate(int db, byte[][] argv) {
        if (writeListeners.isEmpty()) {
            return;
        }
        if (executionDepth == 0) {
            propagate(db, argv);
        } else {
            pendingPropagation.add(new Object[] {db, argv});
        }
    }

    /**
     * Emits the execution unit's writes (Redis 7.0's propagatePendingCommands): more than one are
     * wrapped in MULTI/EXEC so that replicas and the AOF apply them atomically; MULTI takes the
     * first write's database (a SELECT goes before it), EXEC the last one's.
     */
    void propagatePending() {
        int n = pendingPropagation.size();
        if (n == 0) {
            return;
        }
        if (n > 1) {
            propagate((Integer) pendingPropagation.get(0)[0], MULTI);
        }
        for (Object[] op : pendingPropagation) {
            propagate((Integer) op[0], (byte[][]) op[1]);
        }
        if (n > 1) {
            propagate((Integer) pendingPropagation.get(n - 1)[0], EXEC);
        }
        pendingPropagation.clear();
    }

    /** Feeds the stream of executed writes to replication/AOF listeners. */
    public void propagate(int db, byte[][] argv) {
        for (ExecutedCommandListener l : writeListeners) {
            l.executed(db, argv);
        }
    }
}
