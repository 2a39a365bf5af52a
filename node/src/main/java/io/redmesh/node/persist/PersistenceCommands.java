package io.redmesh.node.persist;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.persist.aof.AofRewriter;
import io.redmesh.node.persist.aof.AppendOnlyFile;
import io.redmesh.node.persist.rdb.DumpPayload;
import io.redmesh.node.persist.rdb.RdbValueReader;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.io.IOException;

/**
 * Every persistence command: snapshots, the append-only file and the RDB serialization of one
 * value.
 *
 * <pre>
 * SAVE                     synchronous snapshot to dir/dbfilename (temp file, fsync, rename)
 * BGSAVE [SCHEDULE]        snapshot in the background
 *   +Background saving started
 *   +Background saving scheduled        (SCHEDULE while an AOF rewrite runs, or inside MULTI)
 *   -ERR Background save already in progress
 *   -ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE ...
 * LASTSAVE                 unix time of the last successful save
 * BGREWRITEAOF             rewrites the AOF as its shortest form (a new base file) while writes go on
 *   +Background append only file rewriting started
 *   -ERR Background append only file rewriting already in progress
 * DUMP key                 the value in RDB form: type, value, RDB version (2 bytes LE), CRC-64
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
 * </pre>
 */
public final class PersistenceCommands implements CommandFamily {
    /** Redis 7.0's shared.bgsaveerr, answered to writes (and PING) while saving is failing. */
    public static final String MISCONF = "MISCONF Redis is configured to save RDB snapshots, but it's currently "
            + "unable to persist to disk. Commands that may modify the data set are disabled, because this "
            + "instance is configured to report errors during writes if RDB snapshotting fails "
            + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
    private static final byte[] ABSTTL = Bytes.of("ABSTTL");
    private static final byte[] DEL = Bytes.of("DEL");

    private final BackgroundSaver saver;
    private final AppendOnlyFile aof;

    PersistenceCommands(BackgroundSaver saver, AppendOnlyFile aof) {
        this.saver = saver;
        this.aof = aof;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("save", this::save)
         .bind("bgsave", this::bgsave)
         .bind("lastsave", c -> c.reply.integer(c.server.lastSaveSeconds()))
         .bind("bgrewriteaof", this::bgrewriteaof)
         .bind("dump", PersistenceCommands::dump)
         .bind("restore", PersistenceCommands::restore)
         .bind("restore-asking", PersistenceCommands::restore); // MIGRATE in cluster mode sends it (flag "asking")
    }

    /** saveCommand: refused while a BGSAVE runs; a failed write answers a bare "-ERR". */
    private void save(CommandContext c) {
        if (saver.inProgress()) {
            throw RedisException.err("Background save already in progress");
        }
        if (!saver.save()) {
            throw new RedisException("ERR");
        }
        c.reply.ok();
    }

    /** Redis 7.0's bgsaveCommand(). */
    private void bgsave(CommandContext c) {
        boolean schedule = false;
        if (c.argc() > 1) {
            if (c.argc() == 2 && c.argIs(1, "SCHEDULE")) {
                schedule = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean inExec = !c.canBlock();
        if (saver.inProgress()) {
            throw RedisException.err("Background save already in progress");
        } else if (saver.childActive() || inExec) {
            if (schedule || inExec) {
                saver.schedule();
                c.reply.simple("Background saving scheduled");
            } else {
                throw RedisException.err("Another child process is active (AOF?): can't BGSAVE right now. "
                        + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
        } else if (saver.startBackground()) {
            c.reply.simple("Background saving started");
        } else {
            throw new RedisException("ERR"); // shared.err: Redis's reply when the fork fails
        }
    }

    /** bgrewriteaofCommand(). */
    private void bgrewriteaof(CommandContext c) {
        AofRewriter rw = aof.rewriter();
        if (rw.inProgress()) {
            throw RedisException.err("Background append only file rewriting already in progress");
        }
        try {
            if (!rw.start()) {
                c.reply.simple("Background append only file rewriting scheduled");
                return;
            }
        } catch (IOException | RuntimeException e) {
            throw RedisException.err("Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        c.reply.simple("Background append only file rewriting started");
    }

    static void dump(CommandContext c) {
        Object v = c.db().lookup(c.arg(1));
        if (v == null) {
            c.reply.nullBulk();
            return;
        }
        ServerConfig cfg = c.server.config;
        c.reply.bulk(DumpPayload.create(v, cfg.getBool("rdbcompression"), (int) cfg.getLong("list-max-listpack-size"),
                cfg.getInt("list-compress-depth"), c.server.keyspace.listPackedThreshold()));
    }

    static void restore(CommandContext c) {
        long freq = -1;
        long idle = -1;
        boolean replace = false;
        boolean absttl = false;
        for (int j = 4; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (c.argIs(j, "replace")) {
                replace = true;
            } else if (c.argIs(j, "absttl")) {
                absttl = true;
            } else if (c.argIs(j, "idletime") && additional >= 1 && freq == -1) {
                idle = c.argLong(j + 1);
                if (idle < 0) {
                    throw RedisException.err("Invalid IDLETIME value, must be >= 0");
                }
                j++;
            } else if (c.argIs(j, "freq") && additional >= 1 && idle == -1) {
                freq = c.argLong(j + 1);
                if (freq < 0 || freq > 255) {
                    throw RedisException.err("Invalid FREQ value, must be >= 0 and <= 255");
                }
                j++;
            } else {
                throw c.syntaxError();
            }
        }
        Database db = c.db();
        byte[] key = c.arg(1);
        if (!replace && db.lookupWrite(key) != null) {
            throw new RedisException("BUSYKEY Target key name already exists.");
        }
        long ttl = c.argLong(2);
        if (ttl < 0) {
            throw RedisException.err("Invalid TTL value, must be >= 0");
        }
        byte[] payload = c.arg(3);
        if (!DumpPayload.verify(payload, !c.server.skipChecksumValidation)) {
            throw RedisException.err("DUMP payload version or checksum are wrong");
        }
        Object value = DumpPayload.read(payload, RdbValueReader.from(c.server.config));
        if (value == null) {
            throw RedisException.err("Bad data format");
        }
        boolean deleted = replace && db.delete(key);
        if (ttl != 0 && !absttl) {
            ttl += c.now();
        }
        if (ttl != 0 && ttl <= c.now() && c.server.keyspace.expireAllowed()) {
            // Already expired: nothing is created; an overwritten key was deleted, which is what
            // replicas are told.
            if (deleted) {
                c.propagateAs(new byte[][] {DEL, key});
                c.notify(KeyspaceEvents.GENERIC, "del", key);
                c.dirty();
            }
            c.reply.ok();
            return;
        }
        DictEntry e = db.add(key, value);
        if (ttl != 0) {
            db.setExpire(e, ttl);
            if (!absttl) {
                byte[][] argv = new byte[c.argc() + 1][];
                System.arraycopy(c.argv, 0, argv, 0, c.argc());
                argv[2] = Bytes.fromLong(ttl);
                argv[c.argc()] = ABSTTL;
                c.propagateAs(argv);
            }
        }
        c.server.keyspace.setLruOrLfu(e, freq, idle);
        db.modified(key);
        c.notify(KeyspaceEvents.GENERIC, "restore", key);
        c.reply.ok();
        c.dirty();
    }
}
