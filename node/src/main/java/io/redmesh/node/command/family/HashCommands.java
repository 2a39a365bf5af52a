package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.LongDouble;
import io.redmesh.node.util.RedisException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Hash commands (Redis 7.0's t_hash.c).
 *
 * <pre>
 * HSET key field value [field value ...]     HMSET key field value [field value ...]
 * HSETNX key field value                     HGET key field
 * HMGET key field [field ...]                HDEL key field [field ...]
 * HLEN key          HSTRLEN key field        HEXISTS key field
 * HKEYS key         HVALS key                HGETALL key
 * HINCRBY key field increment                HINCRBYFLOAT key field increment
 * HRANDFIELD key [count [WITHVALUES]]        HSCAN key cursor [MATCH pattern] [COUNT count]
 * </pre>
 * Values live in {@link HashValue} (listpack, then hashtable). A hash that loses its last field
 * is deleted, as in Redis; a hash is created by the first write that adds a field.
 */
final class HashCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("hset", c -> hset(c, false))
         .bind("hmset", c -> hset(c, true))
         .bind("hsetnx", HashCommands::hsetnx)
         .bind("hget", c -> {
             HashValue h = read(c);
             c.reply.bulk(h == null ? null : h.get(c.arg(2)));
         })
         .bind("hmget", HashCommands::hmget)
         .bind("hdel", HashCommands::hdel)
         .bind("hlen", c -> {
             HashValue h = read(c);
             c.reply.integer(h == null ? 0 : h.length());
         })
         .bind("hstrlen", c -> {
             HashValue h = read(c);
             byte[] v = h == null ? null : h.get(c.arg(2));
             c.reply.integer(v == null ? 0 : v.length);
         })
         .bind("hexists", c -> {
             HashValue h = read(c);
             c.reply.integer(h != null && h.contains(c.arg(2)) ? 1 : 0);
         })
         .bind("hkeys", c -> getAll(c, true, false))
         .bind("hvals", c -> getAll(c, false, true))
         .bind("hgetall", c -> getAll(c, true, true))
         .bind("hincrby", HashCommands::hincrby)
         .bind("hincrbyfloat", HashCommands::hincrbyfloat)
         .bind("hrandfield", HashCommands::hrandfield)
         .bind("hscan", HashCommands::hscan);
    }

    // ------------------------------------------------------------------ helpers

    /** The hash at argv[1] for reading: null when missing, WRONGTYPE for another type. */
    private static HashValue read(CommandContext c) {
        return c.db().lookupAs(c.arg(1), HashValue.class, false);
    }

    private static HashValue readForWrite(CommandContext c) {
        return c.db().lookupAs(c.arg(1), HashValue.class, true);
    }

    /** hashTypeLookupWriteOrCreate(): the hash at argv[1], created empty when missing. */
    private static HashValue writable(CommandContext c) {
        HashValue h = readForWrite(c);
        if (h == null) {
            h = new HashValue();
            c.db().add(c.arg(1), h);
        }
        return h;
    }

    private static long maxEntries(CommandContext c) {
        return c.server.config.getLong("hash-max-listpack-entries");
    }

    private static long maxValue(CommandContext c) {
        return c.server.config.getLong("hash-max-listpack-value");
    }

    /** After an in-place change of the hash at argv[1]: memory accounting and WATCH. */
    private static void changed(CommandContext c) {
        c.db().reaccount(c.arg(1));
        c.db().modified(c.arg(1));
    }

    // ------------------------------------------------------------------ commands

    /** HSET replies with the number of new fields, HMSET with OK; both set every pair. */
    static void hset(CommandContext c, boolean hmset) {
        if (c.argc() % 2 == 1) {
            throw Errors.wrongArity(c.spec.fullName);
        }
        long maxEntries = maxEntries(c);
        long maxValue = maxValue(c);
        HashValue h = writable(c);
        h.tryConversion(c.argv, 2, c.argc() - 1, maxValue);
        int created = 0;
        for (int i = 2; i < c.argc(); i += 2) {
            if (h.set(c.arg(i), c.arg(i + 1), maxEntries, maxValue)) {
                created++;
            }
        }
        changed(c);
        c.notify(KeyspaceEvents.HASH, "hset", c.arg(1));
        c.dirty((c.argc() - 2) / 2);
        if (hmset) {
            c.reply.ok();
        } else {
            c.reply.integer(created);
        }
    }

    static void hsetnx(CommandContext c) {
        HashValue h = readForWrite(c);
        if (h != null && h.contains(c.arg(2))) {
            c.reply.integer(0);
            return;
        }
        h = writable(c);
        h.set(c.arg(2), c.arg(3), maxEntries(c), maxValue(c));
        changed(c);
        c.notify(KeyspaceEvents.HASH, "hset", c.arg(1));
        c.dirty();
        c.reply.integer(1);
    }

    static void hmget(CommandContext c) {
        HashValue h = read(c);
        c.reply.array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply.bulk(h == null ? null : h.get(c.arg(i)));
        }
    }

    static void hdel(CommandContext c) {
        HashValue h = readForWrite(c);
        if (h == null) {
            c.reply.integer(0);
            return;
        }
        int deleted = 0;
        boolean keyRemoved = false;
        for (int i = 2; i < c.argc(); i++) {
            if (h.remove(c.arg(i))) {
                deleted++;
                if (h.length() == 0) {
                    c.db().delete(c.arg(1));
                    keyRemoved = true;
                    break;
                }
            }
        }
        if (deleted > 0 && !keyRemoved) {
            changed(c);
        }
        if (deleted > 0) {
            c.notify(KeyspaceEvents.HASH, "hdel", c.arg(1));
            if (keyRemoved) {
                c.notify(KeyspaceEvents.GENERIC, "del", c.arg(1));
            }
        }
        c.dirty(deleted);
        c.reply.integer(deleted);
    }

    /** HKEYS, HVALS, HGETALL (genericHgetallCommand): HGETALL is a map in RESP3. */
    static void getAll(CommandContext c, boolean keys, boolean values) {
        HashValue h = read(c);
        boolean both = keys && values;
        if (h == null) {
            if (both) {
                c.reply.map(0);
            } else {
                c.reply.emptyArray();
            }
            return;
        }
        if (both) {
            c.reply.map(h.length());
        } else {
            c.reply.array(h.length());
        }
        h.forEach((f, v) -> {
            if (keys) {
                c.reply.bulk(f);
            }
            if (values) {
                c.reply.bulk(v);
            }
        });
    }

    static void hincrby(CommandContext c) {
        long incr = c.argLong(3);
        HashValue h = readForWrite(c);
        byte[] cur = h == null ? null : h.get(c.arg(2));
        long value = 0;
        if (cur != null) {
            Long v = Bytes.parseLongOrNull(cur);
            if (v == null) {
                throw RedisException.err("hash value is not an integer");
            }
            value = v;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw RedisException.err("increment or decrement would overflow");
        }
        value += incr;
        writable(c).set(c.arg(2), Bytes.fromLong(value), maxEntries(c), maxValue(c));
        changed(c);
        c.notify(KeyspaceEvents.HASH, "hincrby", c.arg(1));
        c.dirty();
        c.reply.integer(value);
    }

    /**
     * HINCRBYFLOAT: C long double arithmetic printed as Redis's LD_STR_HUMAN, and propagated as
     * HSET of the result so replicas and the AOF never redo the float rounding.
     */
    static void hincrbyfloat(CommandContext c) {
        BigDecimal incr = LongDouble.parse(c.arg(3));
        if (incr == null) {
            // strtold reads "inf" fine; Redis then refuses it with its own message.
            if (LongDouble.isInfinity(c.arg(3))) {
                throw RedisException.err("value is NaN or Infinity");
            }
            throw Errors.E_NOT_FLOAT;
        }
        HashValue h = readForWrite(c);
        byte[] cur = h == null ? null : h.get(c.arg(2));
        BigDecimal value = BigDecimal.ZERO;
        if (cur != null) {
            value = LongDouble.parse(cur);
            if (value == null) {
                throw RedisException.err("hash value is not a float");
            }
        }
        value = LongDouble.add(value, incr);
        if (value == null) {
            throw RedisException.err("increment would produce NaN or Infinity");
        }
        byte[] out = Bytes.of(Doubles.formatHuman(value));
        writable(c).set(c.arg(2), out, maxEntries(c), maxValue(c));
        changed(c);
        c.notify(KeyspaceEvents.HASH, "hincrbyfloat", c.arg(1));
        c.dirty();
        c.propagateAs(new byte[][] {Bytes.of("HSET"), c.arg(1), c.arg(2), out});
        c.reply.bulk(out);
    }

    /** HRANDFIELD key [count [WITHVALUES]]: see hrandfieldWithCountCommand for the cases. */
    static void hrandfield(CommandContext c) {
        if (c.argc() >= 3) {
            long count = c.argLong(2);
            if (count == Long.MIN_VALUE) {
                throw RedisException.err("value is out of range, value must between "
                        + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
            }
            boolean withValues = false;
            if (c.argc() > 4 || (c.argc() == 4 && !c.argIs(3, "WITHVALUES"))) {
                throw Errors.E_SYNTAX;
            } else if (c.argc() == 4) {
                withValues = true;
                // Redis 7.0.8+ bounds it so that count * 2 cannot overflow.
                if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
                    throw RedisException.err("value is out of range");
                }
            }
            hrandfieldWithCount(c, count, withValues);
            return;
        }
        HashValue h = read(c);
        if (h == null) {
            c.reply.nullBulk();
            return;
        }
        c.reply.bulk(h.randomEntry()[0]);
    }

    private static void hrandfieldWithCount(CommandContext c, long l, boolean withValues) {
        HashValue h = read(c);
        if (h == null) {
            c.reply.emptyArray();
            return;
        }
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            c.reply.emptyArray();
            return;
        }
        // RESP2 flattens field/value pairs; RESP3 nests each pair in a two-element array.
        boolean flat = withValues && !c.reply.resp3();
        if (!unique || count == 1) {
            // CASE 1: independent draws, repeats allowed, random order.
            c.reply.array(flat ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                byte[][] e = h.randomEntry();
                writePair(c, e[0], e[1], withValues);
            }
            return;
        }
        long size = h.length();
        long replySize = Math.min(count, size);
        c.reply.array(flat ? replySize * 2 : replySize);
        if (count >= size) {
            // CASE 2: the whole hash, in its own order.
            h.forEach((f, v) -> writePair(c, f, v, withValues));
            return;
        }
        for (byte[][] e : h.randomDistinct((int) count)) {
            writePair(c, e[0], e[1], withValues);
        }
    }

    private static void writePair(CommandContext c, byte[] field, byte[] value, boolean withValues) {
        if (withValues && c.reply.resp3()) {
            c.reply.array(2);
        }
        c.reply.bulk(field);
        if (withValues) {
            c.reply.bulk(value);
        }
    }

    /**
     * HSCAN key cursor [MATCH pattern] [COUNT count]. The cursor is validated first, then the key
     * (a missing key answers an empty scan without looking at the options), then the options.
     * COUNT counts fields and values alike, as Redis's scanGenericCommand does.
     */
    static void hscan(CommandContext c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        HashValue h = read(c);
        if (h == null) {
            emptyScan(c);
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.ScanOptions.parse(c, 3, false);
        // Redis 7.0 gathers first and filters by MATCH after, so COUNT bounds the unfiltered batch.
        List<byte[]> found = new ArrayList<>();
        long maxIterations = o.count() > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : o.count() * 10;
        do {
            cursor = h.scan(cursor, (f, v) -> {
                found.add(f);
                found.add(v);
            });
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        if (o.pattern() != null) {
            List<byte[]> kept = new ArrayList<>(found.size());
            for (int i = 0; i < found.size(); i += 2) {
                if (o.matches(found.get(i))) {
                    kept.add(found.get(i));
                    kept.add(found.get(i + 1));
                }
            }
            found.clear();
            found.addAll(kept);
        }
        c.reply.array(2);
        c.reply.bulk(Bytes.of(Long.toUnsignedString(cursor)));
        c.reply.array(found.size());
        for (byte[] b : found) {
            c.reply.bulk(b);
        }
    }

    /** shared.emptyscan: cursor 0 and no elements. */
    static void emptyScan(CommandContext c) {
        c.reply.array(2);
        c.reply.bulk(Bytes.of("0"));
        c.reply.emptyArray();
    }
}
