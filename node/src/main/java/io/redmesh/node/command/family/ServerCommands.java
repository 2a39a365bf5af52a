package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.PendingShutdown;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.SlowLog;
import io.redmesh.node.db.Database;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.ServerLog;
import java.util.List;

/**
 * Server commands.
 *
 * <pre>
 * INFO [section ...]     DBSIZE        FLUSHDB [ASYNC|SYNC]     FLUSHALL [ASYNC|SYNC]
 * TIME                   SWAPDB a b    SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
 * MONITOR                SLOWLOG GET [n] | LEN | RESET | HELP
 * </pre>
 */
final class ServerCommands implements CommandFamily {
    private final Runnable shutdown;

    ServerCommands(Runnable shutdown) {
        this.shutdown = shutdown;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("info", InfoCommand::info)
         .bind("dbsize", c -> c.reply.integer(c.db().size()))
         .bind("flushdb", ServerCommands::flushdb)
         .bind("flushall", ServerCommands::flushall)
         .bind("time", ServerCommands::time)
         .bind("swapdb", ServerCommands::swapdb)
         .bind("shutdown", this::shutdownCommand)
         .bind("monitor", ServerCommands::monitor)
         .bind("slowlog|get", ServerCommands::slowlogGet)
         .bind("slowlog|len", c -> c.reply.integer(c.server.slowlog.size()))
         .bind("slowlog|reset", c -> {
             c.server.slowlog.reset();
             c.reply.ok();
         })
         .bind("slowlog|help", c -> Help.reply(c, "SLOWLOG",
                 "GET [<count>]",
                 "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                 "    Entries are made of:",
                 "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                 "    client name",
                 "LEN",
                 "    Return the length of the slowlog.",
                 "RESET",
                 "    Reset the slowlog."));
    }

    /** FLUSHDB/FLUSHALL flags: ASYNC or SYNC (we always free synchronously: Java's GC does the rest). */
    private static void flushFlags(CommandContext c) {
        if (c.argc() > 2) {
            throw Errors.E_SYNTAX;
        }
        if (c.argc() == 2 && !c.argIs(1, "ASYNC") && !c.argIs(1, "SYNC")) {
            throw Errors.E_SYNTAX;
        }
    }

    static void flushdb(CommandContext c) {
        flushFlags(c);
        Database db = c.db();
        c.dirty(Math.max(1, db.size()));
        db.clear();
        c.server.tracking.invalidateAllOnFlush();
        c.reply.ok();
    }

    static void flushall(CommandContext c) {
        flushFlags(c);
        long n = 0;
        for (Database db : c.server.keyspace.all()) {
            n += db.size();
            db.clear();
        }
        c.server.tracking.invalidateAllOnFlush();
        c.dirty(Math.max(1, n));
        c.server.persistence().flushedAll();
        c.reply.ok();
    }

    static void time(CommandContext c) {
        long micros = java.time.Instant.now().getEpochSecond() * 1_000_000L + java.time.Instant.now().getNano() / 1000;
        c.reply.array(2);
        c.reply.bulk(Bytes.fromLong(micros / 1_000_000));
        c.reply.bulk(Bytes.fromLong(micros % 1_000_000));
    }

    static void swapdb(CommandContext c) {
        int a = dbIndex(c, 1, "invalid first DB index");
        int b = dbIndex(c, 2, "invalid second DB index");
        int n = c.server.keyspace.count();
        if (a < 0 || a >= n || b < 0 || b >= n) {
            throw new RedisException(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        c.server.keyspace.swap(a, b);
        c.dirty();
        c.reply.ok();
    }

    private static int dbIndex(CommandContext c, int i, String error) {
        Long v = Bytes.parseLongOrNull(c.arg(i));
        if (v == null || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw RedisException.err(error);
        }
        return v.intValue();
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. Without NOW, replicas that have not
     * acknowledged everything are waited for first ({@link PendingShutdown}; ABORT cancels that
     * wait). Saves first when asked or when save points exist (unless NOSAVE); if that fails (and not FORCE) the server keeps running and answers
     * an error, as Redis does. On success there is no reply: the connection closes and the
     * process exits.
     */
    void shutdownCommand(CommandContext c) {
        boolean abort = false;
        boolean save = false;
        boolean nosave = false;
        boolean force = false;
        boolean now = false;
        for (int i = 1; i < c.argc(); i++) {
            if (c.argIs(i, "NOSAVE")) {
                nosave = true;
            } else if (c.argIs(i, "SAVE")) {
                save = true;
            } else if (c.argIs(i, "FORCE")) {
                force = true;
            } else if (c.argIs(i, "NOW")) {
                now = true;
            } else if (c.argIs(i, "ABORT")) {
                abort = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if ((abort && c.argc() != 2) || (save && nosave)) {
            throw Errors.E_SYNTAX;
        }
        if (abort) {
            if (!c.server.pendingShutdown().abort()) {
                throw RedisException.err("No shutdown in progress.");
            }
            c.reply.ok();
            return;
        }
        // lagging replicas: writes pause and this client waits (no reply) up to shutdown-timeout
        if (c.server.pendingShutdown().waitIfNeeded(new PendingShutdown.Plan(save, nosave, force, shutdown), now, c)) {
            return;
        }
        if (!c.server.persistence().prepareForShutdown(save, nosave, force)) {
            ServerLog.warning("Errors trying to shut down the server. Check the logs for more information.");
            throw RedisException.err("Errors trying to SHUTDOWN. Check logs.");
        }
        c.session.closeAfterReply = true;
        shutdown.run();
    }

    static void monitor(CommandContext c) {
        if (c.session.monitor) {
            c.reply.ok();
            return;
        }
        c.session.monitor = true;
        c.server.monitors.add(c.session);
        c.reply.ok();
    }

    static void slowlogGet(CommandContext c) {
        int count = 10;
        if (c.argc() > 3) {
            throw c.subcommandSyntaxError();
        }
        if (c.argc() == 3) {
            Long n = Bytes.parseLongOrNull(c.arg(2));
            if (n == null || n < -1 || n > Integer.MAX_VALUE) {
                throw RedisException.err("count should be greater than or equal to -1");
            }
            count = n.intValue();
        }
        List<SlowLog.Entry> list = c.server.slowlog.newest(count);
        c.reply.array(list.size());
        for (SlowLog.Entry e : list) {
            c.reply.array(6);
            c.reply.integer(e.id());
            c.reply.integer(e.timestampSeconds());
            c.reply.integer(e.durationMicros());
            c.reply.array(e.argv().length);
            for (byte[] a : e.argv()) {
                c.reply.bulk(a);
            }
            c.reply.bulk(e.peer());
            c.reply.bulk(e.name());
        }
    }
}
