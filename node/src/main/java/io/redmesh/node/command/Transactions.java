package io.redmesh.node.command;

import io.redmesh.node.db.DictEntry;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * MULTI/EXEC/DISCARD/WATCH/UNWATCH with Redis 7.0's semantics (multi.c): commands queue after
 * MULTI, a queuing-time error dooms the transaction (EXECABORT), a modified WATCHed key makes
 * EXEC reply with a null array, and EXEC runs the queue atomically (the server lock is held for
 * the whole EXEC) with each command's own reply, errors included.
 */
public final class Transactions {
    private Transactions() {}

    /** Whether {@code cmd} is EXEC (whose rejection aborts the transaction). */
    static boolean isExec(CommandSpec cmd) {
        return cmd.parent == null && cmd.name.equals("exec");
    }

    /** Commands that run at once inside MULTI instead of being queued (processCommand()). */
    static boolean runsImmediately(CommandSpec cmd) {
        switch (cmd.fullName) {
            case "exec": case "discard": case "multi": case "watch": case "quit": case "reset":
                return true;
            default:
                return false;
        }
    }

    /** Commands a MULTI in progress may still run when memory is full. */
    static boolean endsTransaction(CommandSpec cmd) {
        switch (cmd.fullName) {
            case "exec": case "discard": case "quit": case "reset":
                return true;
            default:
                return false;
        }
    }

    public static void multi(CommandContext c) {
        Session s = c.session;
        if (s.inMulti) {
            throw RedisException.err("MULTI calls can not be nested");
        }
        s.inMulti = true;
        s.multiError = false;
        s.queued.clear();
        s.queuedFlags = 0;
        c.reply.ok();
    }

    public static void discard(CommandContext c) {
        if (!c.session.inMulti) {
            throw RedisException.err("DISCARD without MULTI");
        }
        discardTransaction(c.server, c.session);
        c.reply.ok();
    }

    /** Forgets a transaction in progress and its watches (RESET, DISCARD). */
    public static void discardTransaction(ServerContext server, Session s) {
        s.inMulti = false;
        s.multiError = false;
        s.queued.clear();
        s.queuedFlags = 0;
        server.watch.unwatchAll(s);
    }

    public static void watch(CommandContext c) {
        Session s = c.session;
        if (s.inMulti) {
            throw RedisException.err("WATCH inside MULTI is not allowed");
        }
        if (s.dirtyCas) {
            // Already doomed: no point in watching more (Redis does the same).
            c.reply.ok();
            return;
        }
        for (int i = 1; i < c.argc(); i++) {
            byte[] key = c.arg(i);
            DictEntry raw = c.db().dict().find(key);
            boolean expired = raw != null && raw.expireAt != 0 && raw.expireAt <= c.now();
            c.server.watch.watch(s, c.db(), key, expired);
        }
        c.reply.ok();
    }

    public static void unwatch(CommandContext c) {
        c.server.watch.unwatchAll(c.session);
        c.reply.ok();
    }

    public static void unwatch(ServerContext server, Session s) {
        server.watch.unwatchAll(s);
    }

    public static void exec(CommandContext c) {
        Session s = c.session;
        Reply r = c.reply;
        if (!s.inMulti) {
            throw RedisException.err("EXEC without MULTI");
        }
        if (s.multiError) {
            discardTransaction(c.server, s);
            throw new RedisException(Errors.EXECABORT);
        }
        if (s.dirtyCas || watchedKeyExpired(c)) {
            discardTransaction(c.server, s);
            r.nullArray();
            return;
        }
        List<Session.QueuedCommand> queue = new ArrayList<>(s.queued);
        s.inMulti = false;
        s.queued.clear();
        s.queuedFlags = 0;
        c.server.watch.unwatchAll(s);
        s.inExec = true;
        try {
            r.array(queue.size());
            for (Session.QueuedCommand q : queue) {
                String denied = c.server.dispatcher().execCheck(s, q.spec(), q.argv());
                if (denied != null) {
                    r.error(denied);
                } else {
                    c.server.dispatcher().call(s, q.spec(), q.argv(), false);
                }
            }
        } finally {
            s.inExec = false;
        }
    }

    /** Redis 7.0 also fails EXEC when a key that was live at WATCH time has since expired. */
    private static boolean watchedKeyExpired(CommandContext c) {
        long now = c.now();
        for (WatchRegistry.WatchedKey w : c.session.watched) {
            if (w.expiredAtWatch) {
                continue;
            }
            DictEntry e = w.db.dict().find(w.key.bytes);
            if (e != null && e.expireAt != 0 && e.expireAt <= now) {
                return true;
            }
        }
        return false;
    }
}
