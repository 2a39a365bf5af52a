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

    /** A check run before execution; returns an error line to reject, or null to allow. */
    public interface CommandGate {
        String check(Session s, CommandSpec spec, byte[][] argv);
    }

    public Dispatcher(ServerContext server) {
        this.server = server;
        server.dispatcher = this;
    }

    public void addGate(CommandGate g) {
        gates.add(g);
    }

    /** Entry point for one request from a connection. Takes the server lock. */
    public void process(Session s, byte[][] argv) {
        server.lock.lock();
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

    /** Executes one request and serves the clients it unblocked; the server lock is held. */
    private void run(Session s, byte[][] argv) {
        server.keyspace.freezeClock();
        try {
            processLocked(s, argv);
            handleReadyKeys();
        } finally {
            server.keyspace.thawClock();
        }
    }

    private void processLocked(Session s, byte[][] argv) {
        s.lastInteractionMillis = System.currentTimeMillis();
        if (argv.length == 0) {
            return;
        }
        Reply r = s.reply;
        // Reply modes: CLIENT REPLY OFF/SKIP drop what commands write.
        int mark = r.target().writerIndex();
        if (s.replyMode == Session.ReplyMode.SKIP_NEXT) {
            s.replyMode = Session.ReplyMode.SKIP;
        }
        boolean skip = s.replyMode == Session.ReplyMode.SKIP || s.replyMode == Session.ReplyMode.OFF;
        processCommand(s, argv);
        if (skip && !s.isBlocked()) {
            r.target().writerIndex(mark);
            if (s.replyMode == Session.ReplyMode.SKIP) {
                s.replyMode = Session.ReplyMode.ON;
            }
        }
    }

    private void processCommand(Session s, byte[][] argv) {
        Reply r = s.reply;
        String name = Bytes.latin1(argv[0]).toLowerCase(Locale.ROOT);
        CommandSpec cmd = server.table().get(name);
        if (cmd == null) {
            reject(s, null, unknownCommandError(argv));
            return;
        }
        if (cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Bytes.latin1(argv[1]).toLowerCase(Locale.ROOT));
            if (sub == null) {
                reject(s, null, "ERR unknown subcommand '" + Bytes.truncateForError(sanitize(argv[1]))
                        + "'. Try " + Bytes.latin1(argv[0]).toUpperCase(Locale.ROOT) + " HELP.");
                return;
            }
            cmd = sub;
        }
        s.lastCommand = cmd.fullName;
        if (!cmd.arityOk(argv.length) || (cmd.isContainer() && cmd.handler == null)) {
            reject(s, cmd, "ERR wrong number of arguments for '" + cmd.fullName + "' command");
            return;
        }
        if (!s.authenticated && !cmd.has(CommandFlag.NO_AUTH)) {
            reject(s, cmd, Errors.NOAUTH);
            return;
        }
        if (s.inMulti && cmd.has(CommandFlag.NO_MULTI)) {
            reject(s, cmd, "ERR Command not allowed inside a transaction");
            return;
        }
        for (CommandGate g : gates) {
            String err = g.check(s, cmd, argv);
            if (err != null) {
                reject(s, cmd, err);
                return;
            }
        }
        long maxmemory = server.maxmemory;
        if (maxmemory > 0) {
            boolean outOfMemory = !server.keyspace.evict(maxmemory);
            boolean denyoom = cmd.has(CommandFlag.DENYOOM)
                    || (cmd.fullName.equals("exec") && (s.queuedFlags & CommandFlag.DENYOOM.bit) != 0);
            if (outOfMemory && denyoom) {
                reject(s, cmd, Errors.OOM);
                return;
            }
        }
        if (s.isSubscriber() && s.protocol() == 2 && !allowedInSubscribedContext(cmd)) {
            reject(s, cmd, "ERR Can't execute '" + cmd.fullName
                    + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (s.inMulti && !startsOrEndsTransaction(cmd)) {
            s.queued.add(new Session.QueuedCommand(cmd, argv));
            s.queuedFlags |= cmd.flagBits;
            r.simple("QUEUED");
            return;
        }
        call(s, cmd, argv, true);
    }

    private static boolean startsOrEndsTransaction(CommandSpec cmd) {
        switch (cmd.fullName) {
            case "exec": case "discard": case "multi": case "watch": case "quit": case "reset":
                return true;
            default:
                return false;
        }
    }

    private static boolean allowedInSubscribedContext(CommandSpec cmd) {
        switch (cmd.fullName) {
            case "ping": case "subscribe": case "unsubscribe": case "psubscribe": case "punsubscribe":
            case "ssubscribe": case "sunsubscribe": case "quit": case "reset":
                return true;
            default:
                return false;
        }
    }

    /** rejectCommand(): error reply, counted as rejected, and a MULTI in progress is doomed. */
    private void reject(Session s, CommandSpec cmd, String error) {
        if (cmd != null) {
            cmd.rejectedCalls++;
        }
        if (s.inMulti) {
            s.multiError = true;
        }
        s.reply.error(error);
    }

    static String unknownCommandError(byte[][] argv) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String a = sanitize(argv[i]);
            int room = 128 - args.length();
            args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
        }
        return "ERR unknown command '" + Bytes.truncateForError(sanitize(argv[0]))
                + "', with args beginning with: " + args;
    }

    private static String sanitize(byte[] b) {
        return Bytes.latin1(b).replace('\r', ' ').replace('\n', ' ');
    }

    /**
     * call(): executes a command that passed the checks, with statistics, SLOWLOG, MONITOR,
     * propagation and memory accounting. Used for direct commands and for each command of EXEC.
     */
    public void call(Session s, CommandSpec cmd, byte[][] argv, boolean topLevel) {
        CommandContext c = new CommandContext(server, s, cmd, argv);
        Reply r = s.reply;
        long errorsBefore = r.errorsWritten();
        long start = System.nanoTime();
        try {
            cmd.handler.execute(c);
        } catch (RedisException e) {
            r.error(e.getMessage());
        } catch (RuntimeException e) {
            server.stats.unexpectedErrorReplies++;
            r.error("ERR internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
            ServerLog.warning("Unexpected error executing '" + cmd.fullName + "': " + e);
        }
        long micros = (System.nanoTime() - start) / 1000;
        s.commandsProcessed++;
        if (c.blockedNow) {
            return; // stats are counted when the command finally completes
        }
        cmd.calls++;
        cmd.microseconds += micros;
        server.stats.totalCommands++;
        if (r.errorsWritten() > errorsBefore) {
            cmd.failedCalls++;
        }
        if (c.dirty > 0 && cmd.has(CommandFlag.WRITE)) {
            afterWrite(s, cmd, c);
        }
        if (!cmd.has(CommandFlag.SKIP_SLOWLOG) && server.slowlogSlowerThan >= 0
                && micros >= server.slowlogSlowerThan) {
            server.slowlog.add(argv, micros, s.transport.remoteAddress(), s.name, server.slowlogMaxLen);
        }
        if (!server.monitors.isEmpty() && !cmd.has(CommandFlag.SKIP_MONITOR) && !cmd.has(CommandFlag.ADMIN)) {
            Monitor.feed(server, s, argv);
        }
    }

    private void afterWrite(Session s, CommandSpec cmd, CommandContext c) {
        server.dirty += c.dirty;
        KeyExtractor.Keys keys = KeyExtractor.keys(cmd, c.argv, c.argv.length);
        for (int i = 0; i < keys.count(); i++) {
            s.db().reaccount(c.argv[keys.position(i)]);
        }
        if (server.keyspace.usedBytes() > server.stats.peakUsedMemory) {
            server.stats.peakUsedMemory = server.keyspace.usedBytes();
        }
        if (!server.writeListeners.isEmpty()) {
            if (c.propagateAs != null) {
                for (byte[][] a : c.propagateAs) {
                    server.propagate(s.db().index, a);
                }
            } else {
                server.propagate(s.db().index, c.argv);
            }
        }
    }

    // ------------------------------------------------------------------ blocking

    void block(CommandContext c, List<byte[]> keys, Class<?> type, long deadline, Consumer<Reply> timeoutReply) {
        Session s = c.session;
        if (s.rerunDeadline >= 0) {
            deadline = s.rerunDeadline; // blocked again after a retry: the wait keeps its end
        }
        BlockingRegistry.BlockedState st = new BlockingRegistry.BlockedState(
                s.db(), keys, type, deadline, timeoutReply, c.spec, c.argv);
        server.blocking.block(s, st);
        s.transport.autoRead(false);
        if (deadline > 0) {
            long delay = Math.max(0, deadline - System.currentTimeMillis());
            st.timer = s.transport.schedule(() -> timeout(s, st), delay);
        }
    }

    private void timeout(Session s, BlockingRegistry.BlockedState st) {
        server.lock.lock();
        try {
            if (s.blocked != st) {
                return;
            }
            unblockWith(s, st.timeoutReply);
        } finally {
            server.lock.unlock();
        }
    }

    /**
     * Ends a session's wait with a reply written by {@code replyWriter} (timeout, CLIENT UNBLOCK),
     * then lets it run the requests that queued up meanwhile.
     */
    public void unblockWith(Session s, Consumer<Reply> replyWriter) {
        BlockingRegistry.BlockedState st = server.blocking.unblock(s);
        if (st == null) {
            return;
        }
        st.spec.calls++;
        server.stats.totalCommands++;
        // Written straight into the session's buffer (we hold the lock, as every writer of it
        // does) so that it precedes whatever the session runs next, even from another thread.
        (replyWriter == null ? st.timeoutReply : replyWriter).accept(s.reply);
        s.scheduleFlush();
        resume(s);
    }

    private void resume(Session s) {
        s.transport.autoRead(true);
        if (!s.pending.isEmpty()) {
            s.transport.execute(() -> drainPending(s));
        }
    }

    private void drainPending(Session s) {
        while (true) {
            server.lock.lock();
            try {
                if (s.pending.isEmpty() || s.blocked != null || s.closed) {
                    break;
                }
                run(s, s.pending.poll());
            } finally {
                server.lock.unlock();
            }
        }
        s.flush();
    }

    /** handleClientsBlockedOnKeys(): retries blocked commands whose keys were fed. */
    private void handleReadyKeys() {
        BlockingRegistry b = server.blocking;
        while (b.hasReadyKeys()) {
            List<Object[]> keyOut = new ArrayList<>(1);
            List<Session> waiting = b.takeReady(keyOut);
            io.redmesh.node.db.Database db = (io.redmesh.node.db.Database) keyOut.get(0)[0];
            byte[] key = ((ByteString) keyOut.get(0)[1]).bytes;
            for (Session s : waiting) {
                BlockingRegistry.BlockedState st = s.blocked;
                if (st == null || !BlockingRegistry.servable(st, db, key)) {
                    continue;
                }
                b.unblock(s);
                io.redmesh.node.db.Database saved = s.db();
                s.db = st.db;
                s.servingKey = key;
                s.rerunDeadline = st.deadlineMillis;
                // Run the blocked command again; its reply goes straight into the blocked
                // client's buffer, even from another connection's thread (the lock guards it),
                // so it is there before any request the client sent afterwards can run.
                try {
                    call(s, st.spec, st.argv, true);
                    s.scheduleFlush();
                } finally {
                    s.servingKey = null;
                    s.rerunDeadline = -1;
                    s.db = saved;
                }
                if (s.blocked == null) {
                    resume(s);
                } else if (s.blocked.timer != null && st.timer != null) {
                    st.timer.cancel(false);
                }
            }
        }
    }
}
