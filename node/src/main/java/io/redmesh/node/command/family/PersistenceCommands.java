package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.persist.rdb.DumpPayload;
import io.redmesh.node.persist.rdb.RdbValueReader;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;

/**
 * Snapshot and serialization commands on the RDB format.
 *
 * <pre>
 * SAVE                     synchronous snapshot to dir/dbfilename (temp file, fsync, rename)
 * LASTSAVE                 unix time of the last successful save
 * DUMP key                 the value in RDB form: type, value, RDB version (2 bytes LE), CRC-64
 * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
 * </pre>
 */
final class PersistenceCommands implements CommandFamily {
    private static final byte[] ABSTTL = Bytes.of("ABSTTL");
    private static final byte[] DEL = Bytes.of("DEL");

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("save", PersistenceCommands::save)
         .bind("lastsave", c -> c.reply.integer(c.server.lastSaveSeconds))
         .bind("dump", PersistenceCommands::dump)
         .bind("restore", PersistenceCommands::restore);
    }

    /** saveCommand: refused while a BGSAVE runs; a failed write answers a bare "-ERR". */
    static void save(CommandContext c) {
        if (c.server.bgsaveInProgress.getAsBoolean()) {
            throw RedisException.err("Background save already in progress");
        }
        if (!c.server.persistence.save()) {
            throw new RedisException("ERR");
        }
        c.reply.ok();
    }

    static void dump(CommandContext c) {
        Object v = c.db().lookup(c.arg(1));
        if (v == null) {
            c.reply.nullBulk();
            return;
        }
        ServerConfig cfg = c.server.config;
        c.reply.bulk(DumpPayload.create(v, cfg.getBool("rdbcompression"), (int) cfg.getLong("list-max-listpack-size"),
                cfg.getInt("list-compress-depth")));
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
        if (!DumpPayload.verify(payload)) {
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
        c.reply.ok();
        c.dirty();
    }
}
