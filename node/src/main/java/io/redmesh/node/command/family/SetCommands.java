package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Set commands (Redis 7.0's t_set.c).
 *
 * <pre>
 * SADD key member [member ...]        SREM key member [member ...]
 * SMEMBERS key                        SCARD key
 * SISMEMBER key member                SMISMEMBER key member [member ...]
 * SPOP key [count]                    SRANDMEMBER key [count]
 * SMOVE source destination member
 * SINTER key [key ...]                SINTERSTORE destination key [key ...]
 * SINTERCARD numkeys key [key ...] [LIMIT limit]
 * SUNION key [key ...]                SUNIONSTORE destination key [key ...]
 * SDIFF key [key ...]                 SDIFFSTORE destination key [key ...]
 * SSCAN key cursor [MATCH pattern] [COUNT count]
 * </pre>
 * Values live in {@link SetValue} (intset, then hashtable). A set that loses its last member is
 * deleted. The *STORE commands replace the destination, whatever it held, and delete it when the
 * result is empty. Results are built as Redis builds them (into a fresh intset that converts as
 * needed), so their order and encoding are Redis's: an all-integer result comes out sorted.
 */
final class SetCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("sadd", SetCommands::sadd)
         .bind("srem", SetCommands::srem)
         .bind("smembers", c -> inter(c, 1, 1, null, false, 0)) // Redis 7.0 runs SINTER for it
         .bind("sismember", c -> {
             SetValue s = read(c, c.arg(1));
             c.reply.integer(s != null && s.contains(c.arg(2)) ? 1 : 0);
         })
         .bind("smismember", c -> {
             SetValue s = read(c, c.arg(1));
             c.reply.array(c.argc() - 2);
             for (int i = 2; i < c.argc(); i++) {
                 c.reply.integer(s != null && s.contains(c.arg(i)) ? 1 : 0);
             }
         })
         .bind("scard", c -> {
             SetValue s = read(c, c.arg(1));
             c.reply.integer(s == null ? 0 : s.length());
         })
         .bind("spop", SetCommands::spop)
         .bind("srandmember", SetCommands::srandmember)
         .bind("smove", SetCommands::smove)
         .bind("sinter", c -> inter(c, 1, c.argc() - 1, null, false, 0))
         .bind("sinterstore", c -> inter(c, 2, c.argc() - 2, c.arg(1), false, 0))
         .bind("sintercard", SetCommands::sintercard)
         .bind("sunion", c -> unionDiff(c, 1, c.argc() - 1, null, false))
         .bind("sunionstore", c -> unionDiff(c, 2, c.argc() - 2, c.arg(1), false))
         .bind("sdiff", c -> unionDiff(c, 1, c.argc() - 1, null, true))
         .bind("sdiffstore", c -> unionDiff(c, 2, c.argc() - 2, c.arg(1), true))
         .bind("sscan", SetCommands::sscan);
    }

    // ------------------------------------------------------------------ helpers

    private static SetValue read(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, SetValue.class, false);
    }

    private static SetValue readForWrite(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, SetValue.class, true);
    }

    private static long maxIntset(CommandContext c) {
        return c.server.config.getLong("set-max-intset-entries");
    }

    /** After an in-place change: memory accounting and WATCH. */
    private static void changed(CommandContext c, byte[] key) {
        c.db().reaccount(key);
        c.db().modified(key);
    }

    /** getPositiveLongFromObjectOrReply() with Redis's default message. */
    private static long positiveLong(CommandContext c, int i, String message) {
        Long v = Bytes.parseLongOrNull(c.arg(i));
        if (v == null || v < 0) {
            throw RedisException.err(message);
        }
        return v;
    }

    /** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): the count of the random commands. */
    private static long signedCount(CommandContext c, int i) {
        long v = c.argLong(i);
        if (v == Long.MIN_VALUE) {
            throw RedisException.err("value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
        }
        return v;
    }

    // ------------------------------------------------------------------ single-set commands

    static void sadd(CommandContext c) {
        byte[] key = c.arg(1);
        SetValue s = readForWrite(c, key);
        if (s == null) {
            s = new SetValue();
            c.db().add(key, s);
        }
        long max = maxIntset(c);
        int added = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (s.add(c.arg(i), max)) {
                added++;
            }
        }
        if (added > 0) {
            changed(c, key);
            c.notify(KeyspaceEvents.SET, "sadd", key);
        }
        c.dirty(added);
        c.reply.integer(added);
    }

    static void srem(CommandContext c) {
        byte[] key = c.arg(1);
        SetValue s = readForWrite(c, key);
        if (s == null) {
            c.reply.integer(0);
            return;
        }
        int deleted = 0;
        boolean keyRemoved = false;
        for (int i = 2; i < c.argc(); i++) {
            if (s.remove(c.arg(i))) {
                deleted++;
                if (s.length() == 0) {
                    c.db().delete(key);
                    keyRemoved = true;
                    break;
                }
            }
        }
        if (deleted > 0 && !keyRemoved) {
            changed(c, key);
        }
        if (deleted > 0) {
            c.notify(KeyspaceEvents.SET, "srem", key);
            if (keyRemoved) {
                c.notify(KeyspaceEvents.GENERIC, "del", key);
            }
        }
        c.dirty(deleted);
        c.reply.integer(deleted);
    }

    static void smove(CommandContext c) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        byte[] member = c.arg(3);
        Database db = c.db();
        Object srcValue = db.lookupWrite(src);
        Object dstValue = db.lookupWrite(dst);
        if (srcValue == null) {
            c.reply.integer(0);
            return;
        }
        if (!(srcValue instanceof SetValue from) || (dstValue != null && !(dstValue instanceof SetValue))) {
            throw Errors.E_WRONGTYPE;
        }
        if (srcValue == dstValue) {
            c.reply.integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            c.reply.integer(0);
            return;
        }
        c.notify(KeyspaceEvents.SET, "srem", src);
        if (from.length() == 0) {
            db.delete(src);
            c.notify(KeyspaceEvents.GENERIC, "del", src);
        } else {
            changed(c, src);
        }
        SetValue to = (SetValue) dstValue;
        if (to == null) {
            to = new SetValue();
            db.add(dst, to);
        }
        c.dirty();
        if (to.add(member, maxIntset(c))) {
            c.dirty();
            changed(c, dst);
            c.notify(KeyspaceEvents.SET, "sadd", dst);
        }
        c.reply.integer(1);
    }

    /** SPOP key [count]: a popped element is propagated as SREM so replicas remove the same one. */
    static void spop(CommandContext c) {
        if (c.argc() == 3) {
            spopWithCount(c);
            return;
        } else if (c.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        byte[] key = c.arg(1);
        SetValue s = readForWrite(c, key);
        if (s == null) {
            c.reply.nullBulk();
            return;
        }
        byte[] member = s.popRandom();
        c.propagateAs(new byte[][] {Bytes.of("SREM"), key, member});
        c.notify(KeyspaceEvents.SET, "spop", key);
        if (s.length() == 0) {
            c.db().delete(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        } else {
            changed(c, key);
        }
        c.dirty();
        c.reply.bulk(member);
    }

    private static void spopWithCount(CommandContext c) {
        long count = positiveLong(c, 2, "value is out of range, must be positive");
        byte[] key = c.arg(1);
        SetValue s = readForWrite(c, key);
        if (s == null || count == 0) {
            c.reply.set(0);
            return;
        }
        int size = s.length();
        c.notify(KeyspaceEvents.SET, "spop", key);
        c.dirty(Math.min(count, size));
        if (count >= size) {
            // CASE 1: the whole set, answered as SUNION of it would be, then the key goes away.
            writeSet(c, union(List.of(s), maxIntset(c)));
            c.db().delete(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
            c.propagateAs(new byte[][] {Bytes.of("DEL"), key});
            return;
        }
        // CASES 2 and 3: pop one by one, each propagated as its own SREM (as Redis 7.0 does).
        c.reply.set(count);
        for (long i = 0; i < count; i++) {
            byte[] m = s.popRandom();
            c.reply.bulk(m);
            c.propagateAs(new byte[][] {Bytes.of("SREM"), key, m});
        }
        changed(c, key);
    }

    /** SRANDMEMBER key [count]: see srandmemberWithCountCommand for the cases. */
    static void srandmember(CommandContext c) {
        if (c.argc() == 3) {
            srandmemberWithCount(c);
            return;
        } else if (c.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        SetValue s = read(c, c.arg(1));
        c.reply.bulk(s == null ? null : s.randomMember());
    }

    private static void srandmemberWithCount(CommandContext c) {
        long l = signedCount(c, 2);
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        SetValue s = read(c, c.arg(1));
        if (s == null || count == 0) {
            c.reply.emptyArray();
            return;
        }
        if (!unique || count == 1) {
            // CASE 1: independent draws, repeats allowed.
            c.reply.array(count);
            for (long i = 0; i < count; i++) {
                c.reply.bulk(s.randomMember());
            }
            return;
        }
        int size = s.length();
        if (count >= size) {
            // CASE 2: the whole set in its own order.
            c.reply.array(size);
            s.forEach(c.reply::bulk);
            return;
        }
        c.reply.array(count);
        for (byte[] m : s.randomDistinct((int) count)) {
            c.reply.bulk(m);
        }
    }

    static void sscan(CommandContext c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        SetValue s = read(c, c.arg(1));
        if (s == null) {
            HashCommands.emptyScan(c);
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.ScanOptions.parse(c, 3, false);
        List<byte[]> found = new ArrayList<>();
        long maxIterations = o.count() > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : o.count() * 10;
        do {
            cursor = s.scan(cursor, found::add);
        } while (cursor != 0 && maxIterations-- > 0 && found.size() < o.count());
        if (o.pattern() != null) {
            found.removeIf(m -> !o.matches(m)); // Redis 7.0 filters after gathering
        }
        c.reply.array(2);
        c.reply.bulk(Bytes.of(Long.toUnsignedString(cursor)));
        c.reply.array(found.size());
        for (byte[] m : found) {
            c.reply.bulk(m);
        }
    }

    // ------------------------------------------------------------------ multi-set commands

    /**
     * Looks up the source sets (sinterGenericCommand's first loop): every key is type-checked,
     * a missing one yields null.
     */
    private static SetValue[] sources(CommandContext c, int from, int n) {
        SetValue[] sets = new SetValue[n];
        for (int j = 0; j < n; j++) {
            sets[j] = read(c, c.arg(from + j));
        }
        return sets;
    }

    static void sintercard(CommandContext c) {
        Long numkeys = Bytes.parseLongOrNull(c.arg(1));
        if (numkeys == null || numkeys < 1) {
            throw RedisException.err("numkeys should be greater than 0");
        }
        if (numkeys > c.argc() - 2) {
            throw RedisException.err("Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int j = 2 + numkeys.intValue(); j < c.argc(); j++) {
            boolean more = j < c.argc() - 1;
            if (c.argIs(j, "LIMIT") && more) {
                j++;
                limit = positiveLong(c, j, "LIMIT can't be negative");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        inter(c, 2, numkeys.intValue(), null, true, limit);
    }

    /**
     * SINTER, SINTERSTORE, SINTERCARD and SMEMBERS (sinterGenericCommand): walks the smallest set
     * and keeps what every other set holds, so the output order is that set's.
     */
    static void inter(CommandContext c, int from, int n, byte[] dst, boolean cardinalityOnly, long limit) {
        SetValue[] sets = sources(c, from, n);
        boolean empty = false;
        for (SetValue s : sets) {
            empty |= s == null;
        }
        if (empty) {
            if (dst != null) {
                if (c.db().delete(dst)) {
                    c.notify(KeyspaceEvents.GENERIC, "del", dst);
                    c.dirty();
                }
                c.reply.integer(0);
            } else if (cardinalityOnly) {
                c.reply.integer(0);
            } else {
                c.reply.set(0);
            }
            return;
        }
        Arrays.sort(sets, Comparator.comparingInt(SetValue::length)); // stable, like glibc's qsort
        SetValue first = sets[0];
        List<byte[]> result = new ArrayList<>();
        long[] cardinality = {0};
        first.forEach(m -> {
            if (limit > 0 && cardinality[0] >= limit) {
                return;
            }
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != first && !sets[j].contains(m)) {
                    return;
                }
            }
            cardinality[0]++;
            if (!cardinalityOnly) {
                result.add(m);
            }
        });
        if (cardinalityOnly) {
            c.reply.integer(cardinality[0]);
        } else if (dst != null) {
            SetValue out = new SetValue();
            long max = maxIntset(c);
            for (byte[] m : result) {
                out.add(m, max);
            }
            store(c, dst, out, "sinterstore");
        } else {
            c.reply.set(result.size());
            for (byte[] m : result) {
                c.reply.bulk(m);
            }
        }
    }

    /** SUNION(STORE) and SDIFF(STORE) (sunionDiffGenericCommand). */
    static void unionDiff(CommandContext c, int from, int n, byte[] dst, boolean diff) {
        SetValue[] sets = sources(c, from, n);
        long max = maxIntset(c);
        SetValue out;
        if (!diff) {
            out = union(Arrays.asList(sets), max);
        } else {
            out = difference(sets, max);
        }
        if (dst != null) {
            store(c, dst, out, diff ? "sdiffstore" : "sunionstore");
        } else {
            writeSet(c, out);
        }
    }

    /** Adds every member of every (non-null) set to a fresh set, as Redis builds a union. */
    private static SetValue union(List<SetValue> sets, long max) {
        SetValue out = new SetValue();
        for (SetValue s : sets) {
            if (s != null) {
                s.forEach(m -> out.add(m, max));
            }
        }
        return out;
    }

    /**
     * The members of sets[0] in no other set. Redis picks one of two algorithms by the work each
     * would do; we pick the same one because they build the result differently (filtering adds
     * only survivors, the other adds all of sets[0] then removes) and so can leave it in different
     * encodings, which shows in the output order and in SDIFFSTORE's OBJECT ENCODING.
     */
    private static SetValue difference(SetValue[] sets, long max) {
        SetValue out = new SetValue();
        SetValue first = sets[0];
        if (first == null) {
            return out;
        }
        for (int j = 1; j < sets.length; j++) {
            if (sets[j] == first) {
                return out; // the same key subtracted from itself
            }
        }
        long algoOneWork = 0;
        long algoTwoWork = 0;
        for (SetValue s : sets) {
            if (s != null) {
                algoOneWork += first.length();
                algoTwoWork += s.length();
            }
        }
        algoOneWork /= 2;
        if (algoOneWork <= algoTwoWork) {
            first.forEach(m -> {
                for (int j = 1; j < sets.length; j++) {
                    if (sets[j] != null && sets[j].contains(m)) {
                        return;
                    }
                }
                out.add(m, max);
            });
            return out;
        }
        first.forEach(m -> out.add(m, max));
        for (int j = 1; j < sets.length && out.length() > 0; j++) {
            if (sets[j] != null) {
                sets[j].forEach(out::remove);
            }
        }
        return out;
    }

    private static void writeSet(CommandContext c, SetValue s) {
        c.reply.set(s.length());
        s.forEach(c.reply::bulk);
    }

    /** Stores a result under dst (setKey: any old value and TTL replaced), or deletes dst if empty. */
    private static void store(CommandContext c, byte[] dst, SetValue out, String event) {
        if (out.length() > 0) {
            c.db().set(dst, out, false);
            c.notify(KeyspaceEvents.SET, event, dst);
            c.dirty();
            c.reply.integer(out.length());
        } else {
            if (c.db().delete(dst)) {
                c.notify(KeyspaceEvents.GENERIC, "del", dst);
                c.dirty();
            }
            c.reply.integer(0);
        }
    }
}
