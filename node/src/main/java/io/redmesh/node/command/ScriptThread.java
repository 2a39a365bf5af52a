package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.script.ScriptRun;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.ServerLog;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Where scripts run, so that a long one does not stop the server from answering (Redis's
 * busy-reply-threshold). The EVAL handler blocks its client and hands the script to this thread,
 * which takes the server lock for the whole script (atomic, as in Redis) and writes the reply
 * when it ends. Meanwhile I/O threads stay free: a request that finds the lock held by a script
 * running past busy-reply-threshold is answered without the lock, by {@link #answerWhileBusy}:
 * -BUSY, SCRIPT KILL, SHUTDOWN NOSAVE, as processCommand() does during a script's yield.
 *
 * <p>The thread has a large stack (a script's recursion is bounded by call depth, not by the
 * stack of an I/O thread) and is started on first use.
 */
public final class ScriptThread {
    static final String BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    /** shared.slowscripterr: the busy one is a function. */
    static final String BUSY_FUNCTION = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    static final String UNKILLABLE = "UNKILLABLE Sorry the script already executed write commands against the dataset. "
            + "You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
    private static final long STACK_BYTES = 256L << 20;

    private final ServerContext server;
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private Thread thread;
    /** Scripts queued or running: the script thread holds, or is about to take, the lock. */
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    ScriptThread(ServerContext server) {
        this.server = server;
    }

    /**
     * Runs a script for the client of {@code c} on the script thread: the client is blocked until
     * {@code body} (run under the lock, writing the script's reply) is done. Under the lock.
     */
    public void submit(CommandContext c, Consumer<Reply> body) {
        Session s = c.session;
        CommandSpec cmd = c.spec;
        byte[][] argv = c.argv;
        BlockingRegistry.BlockedState st = server.dispatcher().blockOnCondition(c, 0, r -> { });
        start();
        active.incrementAndGet();
        queue.add(() -> {
            try {
                runLocked(s, cmd, argv, st, body);
            } finally {
                active.decrementAndGet();
            }
        });
    }

    /** Whether a script is queued or running. */
    boolean active() {
        return active.get() > 0;
    }

    private synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(null, this::loop, "redmesh-lua", STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            try {
                queue.take().run();
            } catch (InterruptedException e) {
                Thread.interrupted(); // an interrupt meant for a script that already ended
            } catch (RuntimeException | Error e) {
                ServerLog.warning("Script thread: " + e);
            }
        }
    }

    private void runLocked(Session s, CommandSpec cmd, byte[][] argv, BlockingRegistry.BlockedState st,
                           Consumer<Reply> body) {
        server.lock.lock();
        Session previous = null;
        boolean entered = false;
        try {
            if (s.blocked != st || s.closed) {
                return; // the client went away before its script started
            }
            previous = server.tracking.enter(s, cmd, argv); // its reads remember the script's keys
            entered = true;
            ByteBuf buf = Unpooled.buffer(64);
            Reply out = new Reply(buf);
            out.protocol(s.protocol());
            server.keyspace.freezeClock();
            server.executionDepth++;
            try {
                body.accept(out);
            } finally {
                if (--server.executionDepth == 0) {
                    server.propagatePending();
                }
                server.keyspace.thawClock();
                Thread.interrupted();
            }
            byte[] reply = new byte[buf.readableBytes()];
            buf.readBytes(reply);
            server.dispatcher().unblockWith(s, r -> {
                if (reply.length > 0 && reply[0] == '-') {
                    r.error(new String(reply, 1, reply.length - 3, java.nio.charset.StandardCharsets.ISO_8859_1));
                } else {
                    r.raw(reply);
                }
            });
            server.dispatcher().afterDetachedRun(s);
        } finally {
            if (entered) {
                server.tracking.leave(previous); // invalidations for the caller follow its reply
            }
            server.lock.unlock();
        }
    }

    /**
     * A request arrived while the lock is held by a script past busy-reply-threshold: answers it
     * without the lock and returns true, or returns false when it must wait for the lock (a
     * command Redis allows during a script: MULTI, AUTH, SHUTDOWN NOSAVE after killing it...).
     * Runs on the session's own I/O thread; no other thread writes to a session that is not
     * blocked, so its buffer is safe to write here.
     */
    boolean answerWhileBusy(Session s, byte[][] argv, ScriptRun run) {
        if (s.closed || s.closeAfterReply || s.blocked != null || !s.pending.isEmpty() || s.master
                || (!s.authenticated && server.authRequired())) {
            return false;
        }
        String name = Bytes.latin1(argv[0]).toLowerCase(Locale.ROOT);
        CommandSpec cmd = server.table().get(name);
        if (cmd == null) {
            return false; // "unknown command" is answered before the busy check: after the lock
        }
        if (cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Bytes.latin1(argv[1]).toLowerCase(Locale.ROOT));
            if (sub == null) {
                return false;
            }
            cmd = sub;
        }
        switch (cmd.fullName) {
            case "script|kill":
            case "function|kill":
                kill(s, run, cmd.fullName.equals("script|kill"));
                return true;
            case "function|stats":
                if (!run.function) {
                    s.reply.error(BUSY); // functionStatsCommand(): an eval is running
                } else {
                    io.redmesh.node.script.FunctionLibraries.writeStats(s.reply, run, server.functionsIfMade());
                }
                return true;
            case "shutdown":
                for (int i = 1; i < argv.length; i++) {
                    if (Bytes.eqIgnoreCase(argv[i], "nosave")) {
                        run.kill(); // the server stops without the script's end; SHUTDOWN then runs
                        return false;
                    }
                }
                break;
            default:
                if (cmd.has(CommandFlag.ALLOW_BUSY)) {
                    return false;
                }
        }
        cmd.rejectedCalls++;
        if (s.inMulti) {
            s.multiError = true;
        }
        s.reply.error(run.function ? BUSY_FUNCTION : BUSY);
        return true;
    }

    /** scriptKill(): SCRIPT KILL stops only an eval, FUNCTION KILL only a function. */
    private static void kill(Session s, ScriptRun run, boolean isEval) {
        if (run.wroteData()) {
            s.reply.error(UNKILLABLE);
        } else if (isEval && run.function) {
            s.reply.error(BUSY_FUNCTION);
        } else if (!isEval && !run.function) {
            s.reply.error(BUSY);
        } else {
            run.kill();
            ServerLog.warning("Script killed by user with " + (isEval ? "SCRIPT" : "FUNCTION") + " KILL.");
            s.reply.ok();
        }
    }
}
