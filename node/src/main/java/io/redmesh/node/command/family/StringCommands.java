package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.KeyExtractor;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Values;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.LongDouble;
import io.redmesh.node.util.RedisException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;

/**
 * String commands.
 *
 * <pre>
 * GET key                      SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ts|KEEPTTL]
 * SETNX key value              SETEX key seconds value      PSETEX key ms value
 * MGET key [key ...]           MSET key value [...]         MSETNX key value [...]
 * GETSET key value             GETDEL key                   GETEX key [EX|PX|EXAT|PXAT t|PERSIST]
 * APPEND key value             STRLEN key                   GETRANGE key start end (SUBSTR)
 * SETRANGE key offset value    INCR/DECR key                INCRBY/DECRBY key n
 * INCRBYFLOAT key f            LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN] (LcsCommand)
 * </pre>
 * Values are stored as byte arrays and never mutated in place (APPEND builds a new array), so a
 * value can be shared between a key and a snapshot safely.
 */
final class StringCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("get", StringCommands::get)
         .bind("set", StringCommands::set)
         .bind("setnx", c -> {
             boolean ok = !c.db().exists(c.arg(1));
             if (ok) {
                 c.db().set(c.arg(1), c.arg(2), false);
                 c.dirty();
                 c.notify(KeyspaceEvents.STRING, "set", c.arg(1));
             }
             c.reply.integer(ok ? 1 : 0);
         })
         .bind("setex", c -> setex(c, 1000))
         .bind("psetex", c -> setex(c, 1))
         .bind("mget", StringCommands::mget)
         .bind("mset", c -> mset(c, false))
         .bind("msetnx", c -> mset(c, true))
         .bind("getset", StringCommands::getset)
         .bind("getdel", StringCommands::getdel)
         .bind("getex", StringCommands::getex)
         .bind("append", StringCommands::append)
         .bind("strlen", c -> {
             byte[] v = getString(c.db(), c.arg(1));
             c.reply.integer(v == null ? 0 : v.length);
         })
         .bind("getrange", StringCommands::getrange)
         .bind("substr", StringCommands::getrange)
         .bind("setrange", StringCommands::setrange)
         .bind("incr", c -> incrBy(c, 1))
         .bind("decr", c -> incrBy(c, -1))
         .bind("incrby", c -> incrBy(c, c.argLong(2)))
         .bind("decrby", c -> {
             long n = c.argLong(2);
             if (n == Long.MIN_VALUE) {
                 throw RedisException.err("decrement would overflow");
             }
             incrBy(c, -n);
         })
         .bind("incrbyfloat", StringCommands::incrbyfloat)
         .bind("lcs", LcsCommand::lcs)
         .getkeys("set", StringCommands::setKeys);
    }

    private static final List<String> SET_KEY_FLAGS = List.of("OW", "update");
    private static final List<String> SET_GET_KEY_FLAGS = List.of("RW", "access", "update");

    /** setGetKeys(): SET's key is read and written with GET, only overwritten without it. */
    static KeyExtractor.Keys setKeys(byte[][] argv, int argc) {
        KeyExtractor.Keys keys = new KeyExtractor.Keys();
        boolean get = false;
        for (int i = 3; i < argc; i++) {
            if (Bytes.eqIgnoreCase(argv[i], "GET")) {
                get = true;
                break;
            }
        }
        keys.add(1, 0, get ? SET_GET_KEY_FLAGS : SET_KEY_FLAGS);
        return keys;
    }

    /** Reads a string value: null when missing, WRONGTYPE when another type. */
    static byte[] getString(Database db, byte[] key) {
        Object v = db.lookup(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof byte[] b)) {
            throw Errors.E_WRONGTYPE;
        }
        return b;
    }

    static void get(CommandContext c) {
        c.reply.bulk(getString(c.db(), c.arg(1)));
    }

    /** Expiry options of SET and GETEX. */
    private static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** What parseOptions() found: the flags and the argument holding the expire time, if any. */
    private record Options(int flags, int expireArg) {
        boolean has(int f) {
            return (flags & f) != 0;
        }
    }

    /**
     * parseExtendedStringArgumentsOrReply(): SET's or GETEX's options. An option may repeat
     * (the last expire time wins) but not meet a conflicting one; the time itself is validated
     * later, by {@link #expireAt}, as Redis does, so a syntax error anywhere comes first.
     */
    private static Options parseOptions(CommandContext c, int from, boolean forSet) {
        int flags = 0;
        int expireArg = -1;
        for (int j = from; j < c.argc(); j++) {
            boolean hasNext = j + 1 < c.argc();
            if (forSet && c.argIs(j, "NX") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && c.argIs(j, "XX") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && c.argIs(j, "GET")) {
                flags |= GET;
            } else if (forSet && c.argIs(j, "KEEPTTL") && (flags & (ANY_EXPIRE | PERSIST)) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && c.argIs(j, "PERSIST") && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (hasNext && expireOption(c, j) != 0
                    && (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expireOption(c, j)))) == 0) {
                flags |= expireOption(c, j);
                expireArg = ++j;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        return new Options(flags, expireArg);
    }

    private static int expireOption(CommandContext c, int j) {
        return c.argIs(j, "EX") ? EX : c.argIs(j, "PX") ? PX : c.argIs(j, "EXAT") ? EXAT : c.argIs(j, "PXAT") ? PXAT : 0;
    }

    /**
     * getExpireMillisecondsOrReply(): the option's time as an absolute time in ms, with Redis's
     * "invalid expire time" for non-positive values and overflows.
     */
    private static long expireAt(CommandContext c, Options o) {
        long v = c.argLong(o.expireArg());
        boolean seconds = o.has(EX) || o.has(EXAT);
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            throw Errors.invalidExpire(c.spec.fullName);
        }
        if (seconds) {
            v *= 1000;
        }
        if (o.has(EX) || o.has(PX)) {
            long now = c.now();
            if (v > Long.MAX_VALUE - now) {
                throw Errors.invalidExpire(c.spec.fullName);
            }
            v += now;
        }
        return v;
    }

    static void set(CommandContext c) {
        Options o = parseOptions(c, 3, true);
        long expire = o.expireArg() < 0 ? 0 : expireAt(c, o);
        setGeneric(c, c.arg(1), c.arg(2), o.flags(), expire);
    }

    private static void setGeneric(CommandContext c, byte[] key, byte[] value, int flags, long expireAt) {
        Database db = c.db();
        byte[] old = null;
        if ((flags & GET) != 0) {
            old = getString(db, key); // WRONGTYPE before anything changes
        }
        boolean exists = db.exists(key);
        if (((flags & NX) != 0 && exists) || ((flags & XX) != 0 && !exists)) {
            if ((flags & GET) != 0) {
                c.reply.bulk(old);
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        DictEntry e = db.set(key, value, (flags & KEEPTTL) != 0);
        if (expireAt != 0) {
            db.setExpire(e, expireAt);
            db.reaccount(key);
            // Relative expiry is propagated as an absolute one, so replicas agree (Redis 7.0).
            c.propagateAs(new byte[][] {Bytes.of("SET"), key, value, Bytes.of("PXAT"), Bytes.fromLong(expireAt)});
        }
        c.dirty();
        c.notify(KeyspaceEvents.STRING, "set", key);
        if (expireAt != 0) {
            c.notify(KeyspaceEvents.GENERIC, "expire", key);
        }
        if ((flags & GET) != 0) {
            c.reply.bulk(old);
        } else {
            c.reply.ok();
        }
    }

    static void setex(CommandContext c, long unit) {
        long v = c.argLong(2);
        if (v <= 0 || (unit == 1000 && v > Long.MAX_VALUE / 1000)) {
            throw Errors.invalidExpire(c.spec.fullName);
        }
        v *= unit;
        long now = c.now();
        if (v > Long.MAX_VALUE - now) {
            throw Errors.invalidExpire(c.spec.fullName);
        }
        setGeneric(c, c.arg(1), c.arg(3), 0, now + v);
    }

    static void mget(CommandContext c) {
        c.reply.array(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            Object v = c.db().lookup(c.arg(i));
            c.reply.bulk(v instanceof byte[] b ? b : null);
        }
    }

    static void mset(CommandContext c, boolean nx) {
        if (c.argc() % 2 == 0) {
            throw Errors.wrongArity(c.spec.fullName);
        }
        if (nx) {
            for (int i = 1; i < c.argc(); i += 2) {
                if (c.db().exists(c.arg(i))) {
                    c.reply.integer(0);
                    return;
                }
            }
        }
        for (int i = 1; i < c.argc(); i += 2) {
            c.db().set(c.arg(i), c.arg(i + 1), false);
            c.notify(KeyspaceEvents.STRING, "set", c.arg(i));
        }
        c.dirty((c.argc() - 1) / 2);
        if (nx) {
            c.reply.integer(1);
        } else {
            c.reply.ok();
        }
    }

    static void getset(CommandContext c) {
        byte[] old = getString(c.db(), c.arg(1));
        c.db().set(c.arg(1), c.arg(2), false);
        c.notify(KeyspaceEvents.STRING, "set", c.arg(1));
        c.dirty();
        c.reply.bulk(old);
    }

    static void getdel(CommandContext c) {
        byte[] old = getString(c.db(), c.arg(1));
        if (old != null) {
            c.db().delete(c.arg(1));
            c.propagateAs(new byte[][] {Bytes.of("DEL"), c.arg(1)}); // as Redis 7.0 propagates GETDEL
            c.notify(KeyspaceEvents.GENERIC, "del", c.arg(1));
            c.dirty();
        }
        c.reply.bulk(old);
    }

    /**
     * GETEX key [EX|PX|EXAT|PXAT time | PERSIST]. A missing key or another type answers before
     * the time is validated; a past EXAT/PXAT deletes the key.
     */
    static void getex(CommandContext c) {
        Options o = parseOptions(c, 2, false);
        Database db = c.db();
        byte[] v = getString(db, c.arg(1));
        if (v == null) {
            c.reply.nullBulk();
            return;
        }
        long expire = o.expireArg() < 0 ? 0 : expireAt(c, o);
        DictEntry e = db.entry(c.arg(1));
        if (expire != 0) {
            if ((o.has(EXAT) || o.has(PXAT)) && expire <= c.now()) {
                db.delete(c.arg(1));
                c.propagateAs(new byte[][] {Bytes.of("DEL"), c.arg(1)});
                c.notify(KeyspaceEvents.GENERIC, "del", c.arg(1));
            } else {
                db.setExpire(e, expire);
                db.reaccount(c.arg(1));
                db.modified(c.arg(1));
                c.propagateAs(new byte[][] {Bytes.of("PEXPIREAT"), c.arg(1), Bytes.fromLong(expire)});
                c.notify(KeyspaceEvents.GENERIC, "expire", c.arg(1));
            }
            c.dirty();
        } else if (o.has(PERSIST)) {
            if (db.persist(e)) {
                db.reaccount(c.arg(1));
                db.modified(c.arg(1));
                c.propagateAs(new byte[][] {Bytes.of("PERSIST"), c.arg(1)});
                c.notify(KeyspaceEvents.GENERIC, "persist", c.arg(1));
                c.dirty();
            }
        }
        c.reply.bulk(v);
    }

    /**
     * Redis's checkStringLength(): refuses a string of {@code size + append} bytes longer than
     * proto-max-bulk-len, the sum overflowing included. (A Java array also stops short of 2 GB.)
     */
    private static void checkLength(CommandContext c, long size, long append) {
        long total = size + append;
        if (total < size || total > c.server.config.getLong("proto-max-bulk-len") || total > Integer.MAX_VALUE - 8) {
            throw RedisException.err("string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    static void append(CommandContext c) {
        Database db = c.db();
        byte[] old = getStringForWrite(db, c.arg(1));
        byte[] add = c.arg(2);
        byte[] now;
        if (old == null) {
            now = add;
            db.set(c.arg(1), now, false);
        } else {
            checkLength(c, old.length, add.length);
            now = c.server.keyspace.strings.raw(Bytes.concat(old, add)); // Redis appends to an unshared raw sds
            db.set(c.arg(1), now, true);
        }
        c.notify(KeyspaceEvents.STRING, "append", c.arg(1));
        c.dirty();
        c.reply.integer(now.length);
    }

    private static byte[] getStringForWrite(Database db, byte[] key) {
        Object v = db.lookupWrite(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof byte[] b)) {
            throw Errors.E_WRONGTYPE;
        }
        return b;
    }

    static void getrange(CommandContext c) {
        long start = c.argLong(2);
        long end = c.argLong(3);
        byte[] v = getString(c.db(), c.arg(1));
        if (v == null) {
            c.reply.bulk(Bytes.EMPTY);
            return;
        }
        long len = v.length;
        if (start < 0 && end < 0 && start > end) {
            c.reply.bulk(Bytes.EMPTY);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply.bulk(Bytes.EMPTY);
            return;
        }
        c.reply.bulk(v, (int) start, (int) (end - start + 1));
    }

    static void setrange(CommandContext c) {
        long offset = c.argLong(2);
        if (offset < 0) {
            throw RedisException.err("offset is out of range");
        }
        byte[] value = c.arg(3);
        Database db = c.db();
        byte[] old = getStringForWrite(db, c.arg(1));
        if (old == null) {
            if (value.length == 0) {
                c.reply.integer(0);
                return;
            }
            checkLength(c, offset, value.length);
            byte[] n = c.server.keyspace.strings.raw(new byte[(int) (offset + value.length)]);
            System.arraycopy(value, 0, n, (int) offset, value.length);
            db.set(c.arg(1), n, false);
            c.notify(KeyspaceEvents.STRING, "setrange", c.arg(1));
            c.dirty();
            c.reply.integer(n.length);
            return;
        }
        if (value.length == 0) {
            c.reply.integer(old.length);
            return;
        }
        checkLength(c, offset, value.length);
        byte[] n = c.server.keyspace.strings.raw(Arrays.copyOf(old, (int) Math.max(old.length, offset + value.length)));
        System.arraycopy(value, 0, n, (int) offset, value.length);
        db.set(c.arg(1), n, true);
        c.notify(KeyspaceEvents.STRING, "setrange", c.arg(1));
        c.dirty();
        c.reply.integer(n.length);
    }

    static void incrBy(CommandContext c, long by) {
        Database db = c.db();
        byte[] old = getStringForWrite(db, c.arg(1));
        long cur = 0;
        if (old != null) {
            Long v = old.length <= 20 ? Bytes.parseLongOrNull(old) : null;
            if (v == null) {
                throw Errors.E_NOT_INTEGER;
            }
            cur = v;
        }
        if ((by < 0 && cur < 0 && by < Long.MIN_VALUE - cur) || (by > 0 && cur > 0 && by > Long.MAX_VALUE - cur)) {
            throw new RedisException(Errors.OVERFLOW);
        }
        long n = cur + by;
        db.set(c.arg(1), Bytes.fromLong(n), true);
        c.notify(KeyspaceEvents.STRING, "incrby", c.arg(1));
        c.dirty();
        c.reply.integer(n);
    }

    /**
     * INCRBYFLOAT key increment, computed in C long double as Redis does ({@link LongDouble}:
     * both operands read as strtold reads them, one rounding for the sum); the result is stored
     * as a string (embstr: even "6" is not an integer encoding). An infinite operand is valid
     * but makes the increment fail.
     */
    static void incrbyfloat(CommandContext c) {
        Database db = c.db();
        byte[] old = getStringForWrite(db, c.arg(1));
        BigDecimal cur = BigDecimal.ZERO;
        if (old != null) {
            cur = LongDouble.parse(old);
            if (cur == null && !LongDouble.isInfinity(old)) {
                throw Errors.E_NOT_FLOAT;
            }
        }
        BigDecimal by = LongDouble.parse(c.arg(2));
        if (by == null && !LongDouble.isInfinity(c.arg(2))) {
            throw Errors.E_NOT_FLOAT;
        }
        BigDecimal n = cur == null || by == null ? null : LongDouble.add(cur, by);
        if (n == null) {
            throw RedisException.err("increment would produce NaN or Infinity");
        }
        byte[] out = c.server.keyspace.strings.string(Bytes.of(Doubles.formatHuman(n)));
        db.set(c.arg(1), out, true);
        c.notify(KeyspaceEvents.STRING, "incrbyfloat", c.arg(1));
        c.dirty();
        // Propagated as SET with the resulting value (KEEPTTL), so float rounding never diverges.
        c.propagateAs(new byte[][] {Bytes.of("SET"), c.arg(1), out, Bytes.of("KEEPTTL")});
        c.reply.bulk(out);
    }
}
