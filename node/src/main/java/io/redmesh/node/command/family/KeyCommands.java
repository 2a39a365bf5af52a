package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Values;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.Glob;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * Generic key commands.
 *
 * <pre>
 * DEL key [key ...]            UNLINK key [key ...]        EXISTS key [key ...]
 * TYPE key                     KEYS pattern                SCAN cursor [MATCH p] [COUNT n] [TYPE t]
 * RENAME key newkey            RENAMENX key newkey         COPY src dst [DB n] [REPLACE]
 * MOVE key db                  RANDOMKEY                   TOUCH key [key ...]
 * EXPIRE key seconds [NX|XX|GT|LT]   PEXPIRE / EXPIREAT / PEXPIREAT likewise
 * PERSIST key  TTL key  PTTL key  EXPIRETIME key  PEXPIRETIME key
 * OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key | OBJECT HELP
 * </pre>
 */
final class KeyCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("del", KeyCommands::del)
         .bind("unlink", KeyCommands::del)
         .bind("exists", KeyCommands::exists)
         .bind("type", KeyCommands::type)
         .bind("keys", KeyCommands::keys)
         .bind("scan", KeyCommands::scan)
         .bind("rename", c -> rename(c, false))
         .bind("renamenx", c -> rename(c, true))
         .bind("copy", KeyCommands::copy)
         .bind("move", KeyCommands::move)
         .bind("randomkey", KeyCommands::randomkey)
         .bind("touch", KeyCommands::touch)
         .bind("expire", c -> expire(c, 1000, false))
         .bind("pexpire", c -> expire(c, 1, false))
         .bind("expireat", c -> expire(c, 1000, true))
         .bind("pexpireat", c -> expire(c, 1, true))
         .bind("persist", KeyCommands::persist)
         .bind("ttl", c -> ttl(c, false, true))
         .bind("pttl", c -> ttl(c, true, true))
         .bind("expiretime", c -> ttl(c, false, false))
         .bind("pexpiretime", c -> ttl(c, true, false))
         .bind("object|encoding", c -> object(c, "encoding"))
         .bind("object|refcount", c -> object(c, "refcount"))
         .bind("object|idletime", c -> object(c, "idletime"))
         .bind("object|freq", c -> object(c, "freq"))
         .bind("object|help", KeyCommands::objectHelp);
    }

    static void del(CommandContext c) {
        int n = 0;
        Database db = c.db();
        for (int i = 1; i < c.argc(); i++) {
            if (db.delete(c.arg(i))) {
                c.notify(KeyspaceEvents.GENERIC, "del", c.arg(i));
                n++;
            }
        }
        c.dirty(n);
        c.reply.integer(n);
    }

    static void exists(CommandContext c) {
        int n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().lookup(c.arg(i)) != null) {
                n++;
            }
        }
        c.reply.integer(n);
    }

    static void type(CommandContext c) {
        Object v = c.db().lookup(c.arg(1));
        c.reply.simple(v == null ? "none" : Values.typeName(v));
    }

    static void keys(CommandContext c) {
        List<byte[]> keys = c.db().keys(c.arg(1));
        c.reply.array(keys.size());
        for (byte[] k : keys) {
            c.reply.bulk(k);
        }
    }

    /**
     * parseScanCursorOrReply(): C's strtoul() over the argument, so leading zeros, a sign (a
     * negative cursor wraps around, "-1" is 2^64-1) and even an empty string (0) pass; a leading
     * space, trailing garbage and values beyond 64 bits are "invalid cursor". A NUL ends it.
     */
    static long parseCursor(byte[] arg) {
        int end = 0;
        while (end < arg.length && arg[end] != 0) {
            end++;
        }
        if (end == 0) {
            return 0;
        }
        int p = 0;
        boolean neg = false;
        if (arg[0] == '+' || arg[0] == '-') {
            neg = arg[0] == '-';
            p++;
        }
        if (p == end) {
            throw RedisException.err("invalid cursor");
        }
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        for (; p < end; p++) {
            int d = arg[p] - '0';
            if (d < 0 || d > 9) {
                throw RedisException.err("invalid cursor");
            }
            v = v.multiply(java.math.BigInteger.TEN).add(java.math.BigInteger.valueOf(d));
            if (v.bitLength() > 64) {
                throw RedisException.err("invalid cursor");
            }
        }
        long cursor = v.longValue();
        return neg ? -cursor : cursor;
    }

    /** SCAN options shared with HSCAN/SSCAN/ZSCAN: MATCH, COUNT, TYPE (TYPE only for SCAN). */
    record ScanOptions(io.redmesh.node.util.GlobPattern pattern, long count, String type) {
        static ScanOptions parse(CommandContext c, int from, boolean allowType) {
            io.redmesh.node.util.GlobPattern pattern = null;
            long count = 10;
            String type = null;
            for (int i = from; i < c.argc(); i++) {
                int more = c.argc() - i - 1;
                if (c.argIs(i, "COUNT") && more >= 1) {
                    count = c.argLong(i + 1);
                    if (count < 1) {
                        throw Errors.E_SYNTAX;
                    }
                    i++;
                } else if (c.argIs(i, "MATCH") && more >= 1) {
                    // compiled once for the whole call; "*" needs no matching
                    pattern = Glob.isMatchAll(c.arg(i + 1)) ? null : io.redmesh.node.util.GlobPattern.compile(c.arg(i + 1));
                    i++;
                } else if (allowType && c.argIs(i, "TYPE") && more >= 1) {
                    type = c.argLower(i + 1);
                    i++;
                } else {
                    throw Errors.E_SYNTAX;
                }
            }
            return new ScanOptions(pattern, count, type);
        }

        boolean matches(byte[] key) {
            return pattern == null || pattern.matches(key);
        }
    }

    static void scan(CommandContext c) {
        long cursor = parseCursor(c.arg(1));
        ScanOptions o = ScanOptions.parse(c, 2, true);
        Database db = c.db();
        List<byte[]> found = new ArrayList<>();
        long now = c.now();
        long maxIterations = o.count() * 10;
        do {
            cursor = db.scan(cursor, e -> {
                if (e.expireAt != 0 && e.expireAt <= now) {
                    return;
                }
                if (!o.matches(e.key)) {
                    return;
                }
                if (o.type() != null && !Values.typeName(e.value).equals(o.type())) {
                    return;
                }
                found.add(e.key);
            });
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        c.reply.array(2);
        c.reply.bulk(Bytes.of(Long.toUnsignedString(cursor)));
        c.reply.array(found.size());
        for (byte[] k : found) {
            c.reply.bulk(k);
        }
    }

    static void rename(CommandContext c, boolean nx) {
        Database db = c.db();
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        DictEntry e = db.entry(src);
        if (e == null) {
            throw new RedisException(Errors.NO_SUCH_KEY);
        }
        if (java.util.Arrays.equals(src, dst)) {
            if (nx) {
                c.reply.integer(0);
            } else {
                c.reply.ok();
            }
            return;
        }
        if (nx && db.exists(dst)) {
            c.reply.integer(0);
            return;
        }
        Object value = e.value;
        long expire = e.expireAt;
        db.delete(src);
        db.delete(dst);
        DictEntry ne = db.add(dst, value);
        if (expire != 0) {
            db.setExpire(ne, expire);
        }
        db.reaccount(dst);
        db.modified(dst);
        c.notify(KeyspaceEvents.GENERIC, "rename_from", src);
        c.notify(KeyspaceEvents.GENERIC, "rename_to", dst);
        c.dirty();
        if (nx) {
            c.reply.integer(1);
        } else {
            c.reply.ok();
        }
    }

    static void copy(CommandContext c) {
        Database src = c.db();
        Database dst = src;
        boolean replace = false;
        for (int i = 3; i < c.argc(); i++) {
            if (c.argIs(i, "REPLACE")) {
                replace = true;
            } else if (c.argIs(i, "DB") && i + 1 < c.argc()) {
                int idx = c.argInt(i + 1);
                if (idx < 0 || idx >= c.server.keyspace.count()) {
                    throw RedisException.err("DB index is out of range");
                }
                dst = c.server.keyspace.db(idx);
                i++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        byte[] from = c.arg(1);
        byte[] to = c.arg(2);
        if (src == dst && java.util.Arrays.equals(from, to)) {
            throw RedisException.err("source and destination objects are the same");
        }
        DictEntry e = src.entry(from);
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        if (dst.exists(to)) {
            if (!replace) {
                c.reply.integer(0);
                return;
            }
            dst.delete(to);
        }
        DictEntry ne = dst.add(to, Values.copy(e.value));
        if (e.expireAt != 0) {
            dst.setExpire(ne, e.expireAt);
        }
        dst.reaccount(to);
        dst.modified(to);
        c.server.events.notify(KeyspaceEvents.GENERIC, "copy_to", to, dst.index);
        c.dirty();
        c.reply.integer(1);
    }

    static void move(CommandContext c) {
        Database src = c.db();
        int idx = c.argInt(2);
        if (idx < 0 || idx >= c.server.keyspace.count()) {
            throw new RedisException(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        Database dst = c.server.keyspace.db(idx);
        if (src == dst) {
            throw RedisException.err("source and destination objects are the same");
        }
        DictEntry e = src.entry(c.arg(1));
        if (e == null || dst.exists(c.arg(1))) {
            c.reply.integer(0);
            return;
        }
        long expire = e.expireAt;
        Object v = e.value;
        src.delete(c.arg(1));
        DictEntry ne = dst.add(c.arg(1), v);
        if (expire != 0) {
            dst.setExpire(ne, expire);
        }
        dst.reaccount(c.arg(1));
        dst.modified(c.arg(1));
        c.notify(KeyspaceEvents.GENERIC, "move_from", c.arg(1));
        c.server.events.notify(KeyspaceEvents.GENERIC, "move_to", c.arg(1), dst.index);
        c.dirty();
        c.reply.integer(1);
    }

    static void randomkey(CommandContext c) {
        DictEntry e = c.db().randomEntry();
        c.reply.bulk(e == null ? null : e.key);
    }

    static void touch(CommandContext c) {
        int n = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().lookupWrite(c.arg(i)) != null) {
                n++;
            }
        }
        c.reply.integer(n);
    }

    /**
     * EXPIRE family (expireGenericCommand): relative or absolute time in seconds or ms, with the
     * NX/XX/GT/LT conditions of Redis 7; a time in the past deletes the key.
     */
    static void expire(CommandContext c, long unitMs, boolean absolute) {
        long basetime = absolute ? 0 : c.now();
        int flags = 0;
        final int nx = 1, xx = 2, gt = 4, lt = 8;
        for (int i = 3; i < c.argc(); i++) {
            if (c.argIs(i, "NX")) {
                flags |= nx;
            } else if (c.argIs(i, "XX")) {
                flags |= xx;
            } else if (c.argIs(i, "GT")) {
                flags |= gt;
            } else if (c.argIs(i, "LT")) {
                flags |= lt;
            } else {
                throw RedisException.err("Unsupported option " + c.argString(i));
            }
        }
        if ((flags & nx) != 0 && (flags & (xx | gt | lt)) != 0) {
            throw RedisException.err("NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & gt) != 0 && (flags & lt) != 0) {
            throw RedisException.err("GT and LT options at the same time are not compatible");
        }
        long when = c.argLong(2);
        if (unitMs == 1000) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw Errors.invalidExpire(c.spec.fullName);
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            throw Errors.invalidExpire(c.spec.fullName);
        }
        when += basetime;
        Database db = c.db();
        DictEntry e = db.entry(c.arg(1));
        if (e == null) {
            c.reply.integer(0);
            return;
        }
        if (flags != 0) {
            long current = e.expireAt == 0 ? -1 : e.expireAt;
            if ((flags & nx) != 0 && current != -1) {
                c.reply.integer(0);
                return;
            }
            if ((flags & xx) != 0 && current == -1) {
                c.reply.integer(0);
                return;
            }
            if ((flags & gt) != 0 && (current == -1 || when <= current)) {
                c.reply.integer(0);
                return;
            }
            if ((flags & lt) != 0 && current != -1 && when >= current) {
                c.reply.integer(0);
                return;
            }
        }
        if (when <= c.now() && c.server.keyspace.expireAllowed()) {
            db.delete(c.arg(1));
            c.propagateAs(new byte[][] {Bytes.of("DEL"), c.arg(1)});
            c.notify(KeyspaceEvents.GENERIC, "del", c.arg(1));
            c.dirty();
            c.reply.integer(1);
            return;
        }
        db.setExpire(e, when);
        db.reaccount(c.arg(1));
        db.modified(c.arg(1));
        c.propagateAs(new byte[][] {Bytes.of("PEXPIREAT"), c.arg(1), Bytes.fromLong(when)});
        c.notify(KeyspaceEvents.GENERIC, "expire", c.arg(1));
        c.dirty();
        c.reply.integer(1);
    }

    static void persist(CommandContext c) {
        DictEntry e = c.db().entry(c.arg(1));
        if (e != null && c.db().persist(e)) {
            c.db().reaccount(c.arg(1));
            c.db().modified(c.arg(1));
            c.notify(KeyspaceEvents.GENERIC, "persist", c.arg(1));
            c.dirty();
            c.reply.integer(1);
        } else {
            c.reply.integer(0);
        }
    }

    /** TTL/PTTL (relative) and EXPIRETIME/PEXPIRETIME (absolute): -2 missing, -1 no expiry. */
    static void ttl(CommandContext c, boolean ms, boolean relative) {
        DictEntry e = c.db().entry(c.arg(1));
        if (e == null) {
            c.reply.integer(-2);
            return;
        }
        c.db().lookup(c.arg(1)); // counts as an access, as Redis's lookupKeyReadWithFlags
        if (e.expireAt == 0) {
            c.reply.integer(-1);
            return;
        }
        long v = relative ? Math.max(0, e.expireAt - c.now()) : e.expireAt;
        c.reply.integer(ms ? v : (v + 500) / 1000); // seconds are rounded, as ttlGenericCommand() does
    }

    static void object(CommandContext c, String what) {
        DictEntry e = c.db().entry(c.arg(2));
        if (e == null) {
            c.reply.nullBulk();
            return;
        }
        switch (what) {
            case "encoding":
                c.reply.bulk(Values.encoding(e.value, c.server.keyspace.strings));
                break;
            case "refcount":
                c.reply.integer(Values.refcount(e.value, c.server.keyspace.strings));
                break;
            case "idletime":
                if (c.server.keyspace.policy().lfu()) {
                    throw RedisException.err("An LFU maxmemory policy is selected, idle time not tracked. "
                            + "Please note that when switching between policies at runtime LRU and LFU data "
                            + "will take some time to adjust.");
                }
                c.reply.integer(c.server.keyspace.idleSeconds(e));
                break;
            default:
                if (!c.server.keyspace.policy().lfu()) {
                    throw RedisException.err("An LFU maxmemory policy is not selected, access frequency not "
                            + "tracked. Please note that when switching between policies at runtime LRU and LFU "
                            + "data will take some time to adjust.");
                }
                c.reply.integer(c.server.keyspace.frequency(e));
                break;
        }
    }

    static void objectHelp(CommandContext c) {
        Help.reply(c, "OBJECT",
                "ENCODING <key>",
                "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>",
                "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>",
                "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>",
                "    Return the number of references of the value associated with the specified",
                "    <key>.");
    }
}
