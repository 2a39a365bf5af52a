package io.redmesh.node.command;

import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.ServerLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs commands: Redis's processCommand() and call(). For each request it looks the command up
 * in the table, applies the checks Redis applies before execution (arity, authentication,
 * memory, pub/sub context, MULTI queuing) with Redis's error replies, executes it under the
 * server lock, then does what must follow atomically: serving clients blocked on keys the
 * command fed, propagation of writes, memory accounting, stats, SLOWLOG and MONITOR.
 */
public final class Dispatcher {
    private final ServerContext server;
    /** Extra pre-execution checks plugged in by upper layers (ACL, cluster routing). */
    private final List<CommandGate> gates = new ArrayList<>();
    private final List<CommandGate> execGates = new ArrayList<>();
    /** Checks Redis makes after the memory check (-MISCONF), before the modules' gates. */
    private final List<CommandGate> gatesAfterMemory = new ArrayList<>();
    /** Gates upper modules add (-NOREPLICAS, -READONLY, -MASTERDOWN, -LOADING), after the memory check. */
    private final List<io.redmesh.node.spi.RequestGate> moduleGates = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CommandWatchdog watchdog = new CommandWatchdog();
    /** Cluster routing (getNodeByQuery), set by the cluster module; null outside cluster mode. */
    private volatile io.redmesh.node.spi.cluster.KeyRouter router;
    /** CLIENT PAUSE, a shutdown's or a failover's pause: held commands wait, in order, until it ends. */
    private final ClientPause pause = new ClientPause();
    private final List<Session> postponed = new ArrayList<>();
    private final BlockedClients blocked;

    /** A check run before execution; returns an error line to reject, or null to allow. */
    public interface CommandGate {
        String check(Session s, CommandSpec spec, byte[][] argv);
    }

    public Dispatcher(ServerContext server) {
        this.server = server;
        this.blocked = new BlockedClients(server, this);
    }

    /** What holds the server lock now, and how to stop it (SHUTDOWN, signals). */
    public CommandWatchdog watchdog() {
        return watchdog;
    }

    public void addGate(CommandGate g) {
        gates.add(g);
    }

    /** A check processCommand() makes after the maxmemory check (OOM is reported first). */
    public void addGateAfterMemoryCheck(CommandGate g) {
        gatesAfterMemory.add(g);
    }

    /**
     * A check EXEC runs again on each queued command just before executing it (ACL rules may
     * have changed since it was queued); a non-null error line replaces that command's reply.
     */
    public void addExecGate(CommandGate g) {
        execGates.add(g);
    }

    /** Cluster mode: the router asked before each command with keys (see spi.cluster.KeyRouter). */
    public void router(io.redmesh.node.spi.cluster.KeyRouter r) {
        router = r;
    }

    /** A module's check, run where Redis checks replication state in processCommand(). */
    public void addModuleGate(io.redmesh.node.spi.RequestGate g) {
        moduleGates.add(g);
    }

    /**
     * scriptVerifyWriteCommandAllow()'s refusals of a write a script makes, after its own
     * read-only check: -MISCONF, then the modules' (-READONLY, -NOREPLICAS). Null when allowed.
     */
    String scriptWriteRefusal(Session s, CommandSpec cmd, byte[][] argv) {
        if (s.master) {
            return null;
        }
        String refused = firstRefusal(gatesAfterMemory, s, cmd, argv);
        return refused != null ? refused : moduleGateRefusal(s, cmd);
    }

    /**
     * Redis's running_stale for scripts: this node is a replica whose master link is down and
     * replica-serve-stale-data is no (a module gate would answer -MASTERDOWN to a plain read).
     */
    public boolean runningStale(Session s) {
        if (s.master) {
            return false;
        }
        for (io.redmesh.node.spi.RequestGate g : moduleGates) {
            if (g.check(ScriptCommandFlags.STALE_PROBE) != null) {
                return true;
            }
        }
        return false;
    }

    /** The first module gate's refusal of a request (-READONLY, -NOREPLICAS, ...), or null. */
    private String moduleGateRefusal(Session s, CommandSpec cmd) {
        if (moduleGates.isEmpty()) {
            return null;
        }
        GatedRequestView view = new GatedRequestView(s, cmd);
        for (io.redmesh.node.spi.RequestGate g : moduleGates) {
            String err = g.check(view);
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    /** The exec gates' verdict on one queued command: null to run it, else its error line. */
    String execCheck(Session s, CommandSpec cmd, byte[][] argv) {
        if (s.master) {
            return null; // mustObeyClient(): the master's stream is never refused
        }
        return firstRefusal(execGates, s, cmd, argv);
    }

    private static String firstRefusal(List<CommandGate> checks, Session s, CommandSpec cmd, byte[][] argv) {
        for (CommandGate g : checks) {
            String err = g.check(s, cmd, argv);
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    /** Entry point for one request from a connection. Takes the server lock. */
    public void process(Session s, byte[][] argv) {
        if (s.authenticated && argv.length > 0 && argv[0].length == 8
                && Bytes.latin1(argv[0]).equalsIgnoreCase("shutdown")) {
            // SHUTDOWN must not wait behind a command that has held the lock too long
            watchdog.interruptRunning(server.config.getLong("busy-reply-threshold"));
        }
        if (!lockUnlessBusy(s, argv)) {
            return;
        }
        try {
            if (s.closed || s.closeAfterReply) {
                return; // after QUIT (or a kill) the rest of a pipeline is not executed, as in Redis
            }
            if (s.blocked != null || !s.pending.isEmpty()) {
                // Behind a blocked request, or behind requests queued while it was blocked and
                // not yet drained: wait in line, so they run (and reply) in the order sent.
                s.pending.add(argv);
                return;
            }
            run(s, argv);
        } finally {
            server.lock.unlock();
        }
    }

    /**
     * Takes the server lock for a request, unless a script holds it past busy-reply-threshold:
     * then the request is answered without it (-BUSY, SCRIPT KILL; see ScriptThread) and false is
     * returned. A script under the threshold is waited for, as Redis does not serve others then.
     */
    private boolean lockUnlessBusy(Session s, byte[][] argv) {
        if (server.lock.tryLock()) {
            return true;
        }
        try {
            while (true) {
                io.redmesh.node.script.ScriptRun run = server.runningScript();
                if (run != null) {
                    long left = server.config.getLong("busy-reply-threshold") - run.elapsedMillis();
                    if (left <= 0) {
                        server.noteBusyScript(run);
                        if (argv.length > 0 && server.scriptThread().answerWhileBusy(s, argv, run)) {
                            return false;
                        }
                        server.lock.lockInterruptibly();
                        return true;
                    }
                    if (server.lock.tryLock(left, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                } else if (server.lock.tryLock(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.lock.lock();
            return true;
        }
    }

    /** A script run on the script thread ended: clients it fed are served, its caller's limits checked. */
    void afterDetachedRun(Session s) {
        server.outputLimits.enforce(s);
        blocked.handleReadyKeys();
    }

    /** Executes one request and serves the clients it unblocked; the server lock is held. */
    void run(Session s, byte[][] argv) {
        server.keyspace.freezeClock();
        watchdog.started(s);
        Session previous = server.tracking.enter(s, null, null);
        try {
            processLocked(s, argv);
            server.outputLimits.enforce(s); // a pipeline that is never read stops here
            blocked.handleReadyKeys();
        } finally {
            server.tracking.leave(previous);
            watchdog.finished();
            server.keyspace.thawClock();
        }
    }

    private void processLocked(Session s, byte[][] argv) {
        s.lastInteractionMillis = System.currentTimeMillis();
        if (argv.length == 0) {
            return;
        }
        Reply r = s.reply;
        // CLIENT REPLY OFF/SKIP drop what a command writes. Redis decides when the reply is
        // added, so the mode after the command counts: "CLIENT REPLY ON" is answered.
        // Push frames (pub/sub) are kept: Redis writes them with CLIENT_PUSHING, past the mode.
        int mark = r.target().writerIndex();
        boolean skipThis = s.replyMode == Session.ReplyMode.SKIP;
        boolean silenced = s.replyMode != Session.ReplyMode.ON;
        if (silenced) {
            s.notePushes();
        }
        try {
            processCommand(s, argv);
            if (s.asking && !s.inMulti && !"asking".equals(s.lastCommand)) {
                s.asking = false; // resetClient(): ASKING lasts one command (or one transaction)
            }
            boolean drop = s.replyMode == Session.ReplyMode.OFF || (skipThis && s.replyMode == Session.ReplyMode.SKIP);
            if (drop && !s.isBlocked()) {
                s.dropRepliesSince(mark);
            }
        } finally {
            s.keepReplies();
        }
        ClientTracking.afterRequest(s);
        // resetClient(): SKIP lasts one command; a SKIP just requested applies to the next.
        if (skipThis && s.replyMode == Session.ReplyMode.SKIP) {
            s.replyMode = Session.ReplyMode.ON;
        } else if (s.replyMode == Session.ReplyMode.SKIP_NEXT) {
            s.replyMode = Session.ReplyMode.SKIP;
        }
    }

    /**
     * processCommand(): the checks run before a command executes, in Redis 7.0's order (so that
     * the error a client sees for a request with several problems is Redis's), then queueing
     * inside MULTI or execution.
     */
    private void processCommand(Session s, byte[][] argv) {
        Reply r = s.reply;
        String name = Bytes.latin1(argv[0]).toLowerCase(Locale.ROOT);
        CommandSpec cmd = server.table().get(name);
        if (cmd == null) {
            s.lastCommand = "NULL";
            reject(s, null, CommandRefusals.unknownCommandMessage(argv), false);
            return;
        }
        if (cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Bytes.latin1(argv[1]).toLowerCase(Locale.ROOT));
            if (sub == null) {
                s.lastCommand = "NULL";
                reject(s, null, "unknown subcommand '" + CommandRefusals.cString(argv[1], 128) + "'. Try "
                        + Bytes.latin1(argv[0]).toUpperCase(Locale.ROOT) + " HELP.", false);
                return;
            }
            cmd = sub;
        }
        s.lastCommand = cmd.fullName;
        watchdog.running(cmd.fullName);
        if (!cmd.arityOk(argv.length) || (cmd.isContainer() && cmd.handler == null)) {
            reject(s, cmd, "wrong number of arguments for '" + cmd.fullName + "' command", false);
            return;
        }
        if (cmd.has(CommandFlag.PROTECTED) && !CommandRefusals.protectedAllowed(server.config, s, cmd)) {
            reject(s, cmd, CommandRefusals.protectedRefusal(cmd), false);
            return;
        }
        if (!s.authenticated && !cmd.has(CommandFlag.NO_AUTH) && server.authRequired()) {
            reject(s, cmd, Errors.NOAUTH, true);
            return;
        }
        if (s.inMulti && cmd.has(CommandFlag.NO_MULTI)) {
            reject(s, cmd, "Command not allowed inside a transaction", false);
            return;
        }
        CommandSpec checked = ScriptCommandFlags.effective(server, cmd, argv); // getCommandFlags()
        String refused = firstRefusal(gates, s, checked, argv);
        if (refused != null) {
            reject(s, cmd, refused, true);
            return;
        }
        io.redmesh.node.spi.cluster.KeyRouter route = router;
        if (route != null && !s.master && (Transactions.isExec(cmd) || !cmd.keySpecs.isEmpty()
                || cmd.has(CommandFlag.MOVABLEKEYS))) {
            String redirect = route.route(new RoutedRequestView(server, s, cmd, argv));
            if (redirect != null) {
                cmd.rejectedCalls++;
                if (Transactions.isExec(cmd)) {
                    Transactions.discardTransaction(server, s); // the redirect itself is the reply
                } else if (s.inMulti) {
                    s.multiError = true;
                }
                s.reply.error(redirect);
                return;
            }
        }
        long maxmemory = server.maxmemory;
        if (maxmemory > 0) {
            long evictionStart = System.nanoTime();
            boolean outOfMemory = !server.keyspace.evict(maxmemory);
            server.latency.addSampleIfNeeded("eviction-cycle", (System.nanoTime() - evictionStart) / 1_000_000);
            boolean denyoom = checked.has(CommandFlag.DENYOOM)
                    || (Transactions.isExec(cmd) && (s.queuedFlags & CommandFlag.DENYOOM.bit) != 0);
            // Queuing inside MULTI may take any amount of memory: Redis refuses it on OOM too.
            if (s.inMulti && !Transactions.endsTransaction(cmd)) {
                denyoom = true;
            }
            if (outOfMemory && denyoom) {
                reject(s, cmd, Errors.OOM, true);
                return;
            }
        }
        if (server.tracking.clients() > 0) {
            server.tracking.limitUsedSlots(); // bounded memory for client side caching metadata
        }
        refused = firstRefusal(gatesAfterMemory, s, checked, argv);
        if (refused != null) {
            reject(s, cmd, refused, true);
            return;
        }
        refused = moduleGateRefusal(s, checked);
        if (refused != null) {
            reject(s, cmd, refused, true);
            return;
        }
        if (s.isSubscriber() && s.protocol() == 2 && !CommandRefusals.allowedInSubscribedContext(cmd)) {
            reject(s, cmd, "Can't execute '" + cmd.fullName
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                    false);
            return;
        }
        // As 7.0: a paused command waits before it is queued, so MULTI does not slip past a pause.
        if (pause.active() && pause.holds(s, cmd)) {
            postpone(s, argv);
            return;
        }
        if (s.inMulti && !Transactions.runsImmediately(cmd)) {
            s.queued.add(new Session.QueuedCommand(cmd, argv));
            s.queuedFlags |= checked.flagBits;
            r.simple("QUEUED");
            return;
        }
        call(s, cmd, argv, true);
    }

    /**
     * A write arrived during a write pause (Redis's blockPostponeClient): it waits at the head of
     * the client's queue, the client stops being read, and it runs when the pause ends.
     */
    private void postpone(Session s, byte[][] argv) {
        s.postponed = true;
        s.pending.addFirst(argv);
        s.transport.autoRead(false);
        postponed.add(s);
    }

    /**
     * pauseClients(): {@code purpose} pauses writes ({@link ClientPause#WRITE}) or every client
     * command ({@link ClientPause#ALL}) until {@code endMillis} (Long.MAX_VALUE: until lifted).
     * Keys are neither expired nor evicted meanwhile, as Redis's pause does. Under the lock.
     */
    public void pause(ClientPause.Purpose purpose, long endMillis, int type) {
        boolean lighter = pause.pause(purpose, endMillis, type, System.currentTimeMillis());
        pauseChanged(lighter);
    }

    /** unpauseClients(): lifts {@code purpose}'s pause. Under the lock. */
    public void unpause(ClientPause.Purpose purpose) {
        pauseChanged(pause.unpause(purpose, System.currentTimeMillis()));
    }

    /**
     * CLIENT PAUSE: pauses clients until {@code endMillis} and arranges, on {@code s}'s event
     * loop, for the pause to be recomputed when it ends (Redis checks it from its cron).
     */
    public void clientPause(Session s, long endMillis, int type) {
        pause(ClientPause.Purpose.CLIENT_COMMAND, endMillis, type);
        long delay = endMillis - System.currentTimeMillis();
        if (delay >= 0 && endMillis != Long.MAX_VALUE) {
            s.transport.schedule(() -> {
                server.lock.lock();
                try {
                    pauseChanged(pause.update(System.currentTimeMillis()));
                } finally {
                    server.lock.unlock();
                }
            }, delay + 1);
        }
    }

    /** Writes paused for a failover (spi.NodeControl.pauseWrites) or lifted. Under the lock. */
    public void pauseWrites(boolean on) {
        if (on) {
            pause(ClientPause.Purpose.FAILOVER, Long.MAX_VALUE, ClientPause.WRITE);
        } else {
            unpause(ClientPause.Purpose.FAILOVER);
        }
    }

    /** When the pause became less restrictive, every postponed client runs again (or waits again). */
    private void pauseChanged(boolean lighter) {
        server.keyspace.paused(pause.active());
        if (!lighter) {
            return;
        }
        List<Session> waiting = new ArrayList<>(postponed);
        postponed.clear();
        for (Session s : waiting) {
            s.postponed = false;
            if (!s.closed) {
                blocked.resume(s);
            }
        }
    }

    /**
     * Runs a command read back from an append-only file, as Redis's loadSingleAppendOnlyFile():
     * none of processCommand()'s checks (authentication, ACL, memory), MULTI queuing as there,
     * replies discarded by the caller. Returns false when no such command exists. Takes the lock.
     */
    public boolean replay(Session s, byte[][] argv) {
        CommandSpec cmd = resolve(argv);
        if (cmd == null) {
            return false;
        }
        server.lock.lock();
        server.keyspace.freezeClock();
        try {
            if (!cmd.arityOk(argv.length) || cmd.handler == null) {
                s.reply.error("ERR wrong number of arguments for '" + cmd.fullName + "' command");
            } else if (s.inMulti && !Transactions.runsImmediately(cmd)) {
                s.queued.add(new Session.QueuedCommand(cmd, argv));
                s.queuedFlags |= cmd.flagBits;
            } else {
                call(s, cmd, argv, true);
            }
        } finally {
            server.keyspace.thawClock();
            server.lock.unlock();
        }
        return true;
    }

    /**
     * Runs one command of the master's replication stream (Redis's master client, mustObeyClient()):
     * none of processCommand()'s checks, MULTI queued as sent, replies discarded by the caller;
     * keys a replica keeps past their TTL are visible to it (expireIfNeeded() for the master).
     * Returns false for a command this node does not know. The caller holds the lock.
     */
    public boolean runFromMaster(Session s, byte[][] argv) {
        CommandSpec cmd = resolve(argv);
        if (cmd != null && cmd.has(CommandFlag.PROTECTED) && !CommandRefusals.protectedAllowed(server.config, s, cmd)) {
            // as 7.0's processCommand, which gates DEBUG and MODULE for its master client too: a
            // master must not make a replica sleep under its lock or change its checks
            s.reply.error("ERR " + CommandRefusals.protectedRefusal(cmd));
            return true;
        }
        server.keyspace.masterExecuting(true);
        try {
            return replay(s, argv);
        } finally {
            server.keyspace.masterExecuting(false);
        }
    }

    /** The command (or subcommand) {@code argv} names, or null. */
    private CommandSpec resolve(byte[][] argv) {
        CommandSpec cmd = server.table().get(Bytes.latin1(argv[0]).toLowerCase(Locale.ROOT));
        if (cmd != null && cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Bytes.latin1(argv[1]).toLowerCase(Locale.ROOT));
            cmd = sub == null ? cmd : sub;
        }
        return cmd;
    }

    /**
     * rejectCommand() / rejectCommandFormat(): an error reply, counted as rejected; a MULTI in
     * progress is doomed. {@code message} either carries its own error code ({@code hasCode},
     * Redis's shared error objects, "NOAUTH ...") or gets "ERR " in front. A rejected EXEC
     * instead discards the transaction and replies "EXECABORT Transaction discarded because of:"
     * followed by the message without the "ERR " Redis never put there (execCommandAbort).
     */
    private void reject(Session s, CommandSpec cmd, String message, boolean hasCode) {
        if (cmd != null) {
            cmd.rejectedCalls++;
        }
        if (s.inMulti) {
            s.multiError = true;
        }
        if (cmd != null && Transactions.isExec(cmd)) {
            Transactions.discardTransaction(server, s);
            s.reply.error("EXECABORT Transaction discarded because of: " + message);
            return;
        }
        s.reply.error(hasCode ? message : "ERR " + message);
    }

    /**
     * call(): executes a command that passed the checks, with statistics, SLOWLOG, MONITOR,
     * propagation and memory accounting. Used for direct commands and for each command of EXEC.
     */
    public void call(Session s, CommandSpec cmd, byte[][] argv, boolean topLevel) {
        boolean outermost = server.executionDepth == 0;
        Session previous = outermost ? server.tracking.enter(s, cmd, argv) : null;
        Object[] outer = outermost ? null : server.tracking.nest(s, cmd, argv);
        server.executionDepth++;
        try {
            execute(s, cmd, argv);
        } finally {
            if (--server.executionDepth == 0) {
                server.propagatePending();
            }
            if (outermost) {
                server.tracking.leave(previous); // after the reply and propagation, as afterCommand()
            } else {
                server.tracking.unnest(outer);
            }
        }
    }

    private void execute(Session s, CommandSpec cmd, byte[][] argv) {
        CommandContext c = new CommandContext(server, s, cmd, argv);
        Reply r = s.reply;
        long errorsBefore = r.errorsWritten();
        int replyMark = r.target().writerIndex();
        long start = System.nanoTime();
        try {
            cmd.handler.execute(c);
        } catch (RedisException e) {
            r.error(e.getMessage());
        } catch (RuntimeException e) {
            if (Session.isReplyOverflow(e)) {
                replyOverflow(s, cmd, replyMark);
            } else {
                unexpected(cmd, r, e);
            }
        }
        finishExecution(s, cmd, c, r, errorsBefore, start);
    }

    /**
     * The command's reply passed what the client may hold: over its class's hard limit the client
     * is closed (as Redis closes it); past RedMesh's reply ceiling alone the partial reply is
     * replaced by an error, so that a reply never exhausts the heap (docs/SECURITY.md).
     */
    private void replyOverflow(Session s, CommandSpec cmd, int replyMark) {
        s.reply.target().writerIndex(replyMark);
        if (server.outputLimits.overHardLimit(s)) {
            server.outputLimits.closeAsap(s, s.heldOutputBytes());
            return;
        }
        ServerLog.warning("Reply of '" + cmd.fullName + "' to client id=" + s.id + " addr="
                + s.transport.remoteAddress() + " refused: over " + server.outputLimits.replyCeiling() + " bytes");
        String error = "ERR reply too large: '" + cmd.fullName + "' would send more than "
                + server.outputLimits.replyCeiling() + " bytes, the most RedMesh holds for one client";
        if (s.reply.target().maxWritableBytes() < error.length() + 3) {
            server.outputLimits.closeAsap(s, s.heldOutputBytes()); // not even the error fits
            return;
        }
        s.reply.error(error);
    }

    private void unexpected(CommandSpec cmd, Reply r, RuntimeException e) {
        server.stats.unexpectedErrorReplies++;
        r.error("ERR internal error: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
        ServerLog.warning("Unexpected error executing '" + cmd.fullName + "': " + e);
    }

    /** What call() does once the handler returned: statistics, SLOWLOG, MONITOR, propagation. */
    private void finishExecution(Session s, CommandSpec cmd, CommandContext c, Reply r, long errorsBefore, long start) {
        long micros = (System.nanoTime() - start) / 1000;
        s.commandsProcessed++;
        server.tracking.afterCommand(s, cmd, c.argv);
        if (c.blockedNow) {
            return; // stats are counted when the command finally completes
        }
        cmd.calls++;
        cmd.microseconds += micros;
        if (server.latencyTracking) {
            LatencyHistogram h = cmd.latency;
            if (h == null) {
                h = cmd.latency = new LatencyHistogram();
            }
            h.record(micros * 1000); // Redis records its microsecond duration, in ns
        }
        server.stats.totalCommands++;
        if (r.errorsWritten() > errorsBefore) {
            cmd.failedCalls++;
        }
        if (c.dirty > 0 && (cmd.has(CommandFlag.WRITE) || c.readOnlyChange)) {
            afterWrite(s, cmd, c);
        }
        server.latency.addSampleIfNeeded(cmd.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
        if (!cmd.has(CommandFlag.SKIP_SLOWLOG) && server.slowlogSlowerThan >= 0
                && micros >= server.slowlogSlowerThan) {
            server.slowlog.add(c.shownArgv(), micros, s.transport.remoteAddress(), s.name, server.slowlogMaxLen);
        }
        if (!server.monitors.isEmpty() && !cmd.has(CommandFlag.SKIP_MONITOR) && !cmd.has(CommandFlag.ADMIN)) {
            Monitor.feed(server, s, c.shownArgv());
        }
    }

    private void afterWrite(Session s, CommandSpec cmd, CommandContext c) {
        server.addDirty(c.dirty);
        KeyExtractor.Keys keys = KeyExtractor.keys(cmd, c.argv, c.argv.length);
        for (int i = 0; i < keys.count(); i++) {
            s.db().reaccount(c.argv[keys.position(i)]);
        }
        if (server.keyspace.usedBytes() > server.stats.peakUsedMemory) {
            server.stats.peakUsedMemory = server.keyspace.usedBytes();
        }
        if (server.hasWriteListeners() && !s.propagationOff) {
            if (c.propagateAs != null) {
                for (byte[][] a : c.propagateAs) {
                    server.alsoPropagate(s.db().index, a);
                }
            } else {
                server.alsoPropagate(s.db().index, c.argv);
            }
        }
    }

    // ------------------------------------------------------------------ blocking

    void block(CommandContext c, List<byte[]> keys, Class<?> type, long deadline, Consumer<Reply> timeoutReply) {
        blocked.block(c, keys, type, deadline, timeoutReply);
    }

    /** See {@link BlockedClients#blockOnCondition}. */
    BlockingRegistry.BlockedState blockOnCondition(CommandContext c, long deadline, Consumer<Reply> timeoutReply) {
        return blocked.blockOnCondition(c, deadline, timeoutReply);
    }

    /** See {@link BlockedClients#unblockWith}. */
    public void unblockWith(Session s, Consumer<Reply> replyWriter) {
        blocked.unblockWith(s, replyWriter);
    }
}
