package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.HyperLogLog;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.Random;

/**
 * HyperLogLog commands (Redis's hyperloglog.c); the sketch itself is {@link HyperLogLog}, a
 * string in Redis's layout.
 *
 * <pre>
 * PFADD key [element ...]        PFCOUNT key [key ...]        PFMERGE destkey [sourcekey ...]
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key                  PFSELFTEST
 * </pre>
 * PFCOUNT of one key stores the count in the sketch's cache, a change Redis propagates although
 * the command is read-only; PFMERGE and PFDEBUG's conversions propagate as themselves.
 */
final class HyperLogLogCommands implements CommandFamily {
    private static final RedisException NOT_HLL =
            new RedisException("WRONGTYPE Key is not a valid HyperLogLog string value.");
    private static final RedisException CORRUPT = new RedisException("INVALIDOBJ Corrupted HLL object detected");

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("pfadd", HyperLogLogCommands::pfadd)
         .bind("pfcount", HyperLogLogCommands::pfcount)
         .bind("pfmerge", HyperLogLogCommands::pfmerge)
         .bind("pfdebug", HyperLogLogCommands::pfdebug)
         .bind("pfselftest", HyperLogLogCommands::pfselftest);
    }

    private static long sparseMaxBytes(CommandContext c) {
        return c.server.config.getLong("hll-sparse-max-bytes");
    }

    /**
     * A key's value as a sketch: null when missing, WRONGTYPE for another type, and Redis's
     * own WRONGTYPE text for a string that is not a valid HyperLogLog.
     */
    private static byte[] read(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof byte[] s)) {
            throw Errors.E_WRONGTYPE;
        }
        if (!HyperLogLog.isValid(s)) {
            throw NOT_HLL;
        }
        return s;
    }

    /** dbUnshareStringValue: a dense sketch the key holds alone in place, anything else copied. */
    private static HyperLogLog writable(CommandContext c, byte[] s) {
        return s.length == HyperLogLog.DENSE_SIZE && c.server.keyspace.writableStrings.owns(s)
                ? HyperLogLog.wrap(s) : HyperLogLog.copyOf(s);
    }

    /** Stores the worked sketch back under {@code key} (created, or its value replaced quietly). */
    private static void store(CommandContext c, byte[] key, HyperLogLog h, boolean created) {
        Database db = c.db();
        byte[] now = h.bytes();
        if (created) {
            db.set(key, BitStrings.ownedByKey(c.server.keyspace, now), false);
        } else if (db.entry(key).value != now) {
            db.unshare(db.entry(key), BitStrings.ownedByKey(c.server.keyspace, now));
        }
    }

    static void pfadd(CommandContext c) {
        byte[] key = c.arg(1);
        byte[] s = read(c.db().lookupWrite(key));
        boolean created = s == null;
        HyperLogLog h = created ? HyperLogLog.create() : writable(c, s);
        int updated = created ? 1 : 0;
        long max = sparseMaxBytes(c);
        for (int j = 2; j < c.argc(); j++) {
            int r = h.add(c.arg(j), max);
            if (r < 0) {
                throw CORRUPT;
            }
            updated += r;
        }
        if (updated > 0) {
            h.invalidateCache();
        }
        store(c, key, h, created);
        if (updated > 0) {
            c.db().modified(key);
            c.notify(KeyspaceEvents.STRING, "pfadd", key);
            c.dirty(updated);
        }
        c.reply.integer(updated > 0 ? 1 : 0);
    }

    static void pfcount(CommandContext c) {
        if (c.argc() > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < c.argc(); j++) {
                byte[] s = read(c.db().lookup(c.arg(j)));
                if (s != null && !HyperLogLog.mergeInto(max, s)) {
                    throw CORRUPT;
                }
            }
            c.reply.integer(HyperLogLog.countRegisters(max));
            return;
        }
        byte[] key = c.arg(1);
        byte[] s = read(c.db().lookupWrite(key));
        if (s == null) {
            c.reply.integer(0);
            return;
        }
        HyperLogLog h = writable(c, s);
        long card;
        if (h.cacheValid()) {
            card = h.cachedCardinality();
            store(c, key, h, false);
        } else {
            card = h.count();
            if (card < 0) {
                throw CORRUPT;
            }
            h.cache(card);
            store(c, key, h, false);
            c.db().modified(key);
            c.dirtyReadOnly();
        }
        c.reply.integer(card);
    }

    static void pfmerge(CommandContext c) {
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < c.argc(); j++) {
            byte[] s = read(c.db().lookup(c.arg(j)));
            if (s == null) {
                continue;
            }
            useDense |= s.length == HyperLogLog.DENSE_SIZE && s[4] == 0;
            if (!HyperLogLog.mergeInto(max, s)) {
                throw CORRUPT;
            }
        }
        byte[] key = c.arg(1);
        byte[] s = read(c.db().lookupWrite(key));
        boolean created = s == null;
        HyperLogLog h = created ? HyperLogLog.create() : writable(c, s);
        if (useDense && !h.toDense()) {
            throw CORRUPT;
        }
        long maxBytes = sparseMaxBytes(c);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] != 0 && h.set(j, max[j], maxBytes) < 0) {
                throw CORRUPT;
            }
        }
        h.invalidateCache();
        store(c, key, h, created);
        c.db().modified(key);
        c.notify(KeyspaceEvents.STRING, "pfadd", key);
        c.dirty();
        c.reply.ok();
    }

    static void pfdebug(CommandContext c) {
        byte[] key = c.arg(2);
        byte[] s = read(c.db().lookupWrite(key));
        if (s == null) {
            throw RedisException.err("The specified key does not exist");
        }
        HyperLogLog h = writable(c, s);
        String sub = c.argLower(1);
        switch (sub) {
            case "getreg" -> {
                if (!h.isDense()) {
                    if (!h.toDense()) {
                        throw CORRUPT;
                    }
                    c.dirty(); // the new encoding reaches replicas
                }
                store(c, key, h, false);
                c.reply.array(HyperLogLog.REGISTERS);
                for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                    c.reply.integer(h.register(j));
                }
            }
            case "decode" -> {
                store(c, key, h, false);
                if (h.isDense()) {
                    throw RedisException.err("HLL encoding is not sparse");
                }
                c.reply.bulk(h.decodeSparse());
            }
            case "encoding" -> {
                store(c, key, h, false);
                c.reply.simple(h.isDense() ? "dense" : "sparse");
            }
            case "todense" -> {
                boolean converted = !h.isDense();
                if (converted) {
                    if (!h.toDense()) {
                        throw CORRUPT;
                    }
                    c.dirty();
                }
                store(c, key, h, false);
                c.reply.integer(converted ? 1 : 0);
            }
            default -> {
                store(c, key, h, false);
                throw RedisException.err("Unknown PFDEBUG subcommand '" + Bytes.latin1(c.arg(1)) + "'");
            }
        }
    }

    /**
     * PFSELFTEST: every register of a dense sketch set and read back, then the same elements
     * added to a sparse and a dense sketch, which must agree with each other and stay within
     * five standard errors of the truth.
     */
    static void pfselftest(CommandContext c) {
        Random r = new Random(0xc0ffee);
        HyperLogLog dense = HyperLogLog.create();
        dense.toDense();
        int[] want = new int[HyperLogLog.REGISTERS];
        for (int j = 0; j < want.length; j++) {
            want[j] = 1 + r.nextInt(63);
            dense.set(j, want[j], Long.MAX_VALUE);
        }
        for (int j = 0; j < want.length; j++) {
            if (dense.register(j) != want[j]) {
                throw new RedisException("TESTFAILED Register error at index " + j);
            }
        }
        HyperLogLog sparse = HyperLogLog.create();
        HyperLogLog full = HyperLogLog.create();
        full.toDense();
        double relativeError = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        for (int n = 1; n <= 100_000; n++) {
            byte[] e = Bytes.of("element:" + n);
            sparse.add(e, 3000);
            full.add(e, 3000);
            if (n % 10_000 == 0 || n == 100 || n == 1000) {
                long a = sparse.count();
                long b = full.count();
                if (a != b) {
                    throw new RedisException("TESTFAILED sparse and dense counts differ: " + a + " != " + b);
                }
                if (Math.abs(b - n) > 5 * relativeError * n + 1) {
                    throw new RedisException("TESTFAILED error too large: " + b + " for " + n + " elements");
                }
            }
        }
        c.reply.ok();
    }
}
