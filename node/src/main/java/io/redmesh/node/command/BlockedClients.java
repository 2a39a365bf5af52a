package io.redmesh.node.command;

import io.redmesh.node.resp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Clients waiting in a blocking command (BLPOP, WAIT, a module's blocked call): how they block,
 * time out, are served when a command feeds their keys (Redis's handleClientsBlockedOnKeys()),
 * and resume the requests they sent meanwhile, in order. Everything runs under the server lock.
 */
final class BlockedClients {
    private final ServerContext server;
    private final Dispatcher dispatcher;

    BlockedClients(ServerContext server, Dispatcher dispatcher) {
        this.server = server;
        this.dispatcher = dispatcher;
    }

    /** Blocks a client on keys (BLPOP and the like), called by a command's handler under the lock. */
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

    /**
     * Blocks a client on no key (WAIT): only {@link #unblockWith} ends the wait, or the timeout
     * with {@code timeoutReply}. Called by a command's handler under the lock.
     */
    BlockingRegistry.BlockedState blockOnCondition(CommandContext c, long deadline, Consumer<Reply> timeoutReply) {
        c.blockedNow = true;
        block(c, List.of(), Object.class, deadline, timeoutReply);
        return c.session.blocked;
    }

    private void timeout(Session s, BlockingRegistry.BlockedState st) {
        if (!server.lockOrDeferForScript(s.transport, () -> timeout(s, st))) {
            return;
        }
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

    /** Reads from the client again and runs what it sent meanwhile. */
    void resume(Session s) {
        s.transport.autoRead(true);
        if (!s.pending.isEmpty()) {
            s.transport.execute(() -> drainPending(s));
        }
    }

    private void drainPending(Session s) {
        while (true) {
            if (!server.lockOrDeferForScript(s.transport, () -> drainPending(s))) {
                return;
            }
            try {
                if (s.pending.isEmpty() || s.blocked != null || s.closed || s.postponed) {
                    break;
                }
                dispatcher.run(s, s.pending.poll());
            } finally {
                server.lock.unlock();
            }
        }
        s.flush();
    }

    /** handleClientsBlockedOnKeys(): retries blocked commands whose keys were fed. */
    void handleReadyKeys() {
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
                    dispatcher.call(s, st.spec, st.argv, true);
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
