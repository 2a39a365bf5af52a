package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RankRange;
import io.redmesh.node.util.RedisException;
import java.util.Arrays;

/**
 * List commands (Redis's t_list.c); the blocking ones are in {@link BlockingListCommands}.
 *
 * <pre>
 * LPUSH/RPUSH key element [element ...]        LPUSHX/RPUSHX key element [element ...]
 * LPOP/RPOP key [count]                        LLEN key
 * LRANGE key start stop                        LINDEX key index
 * LSET key index element                       LINSERT key BEFORE|AFTER pivot element
 * LREM key count element                       LTRIM key start stop
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
 * LMOVE source destination LEFT|RIGHT LEFT|RIGHT
 * RPOPLPUSH source destination
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
 * </pre>
 * A list key never holds an empty list: the command that removes the last element deletes the
 * key. Argument errors are checked in the order Redis checks them, because a missing key answers
 * before some checks and after others (LRANGE parses its indexes first, LINDEX looks up first).
 */
final class ListCommands implements CommandFamily {
    static final String E_POSITIVE = "value is out of range, must be positive";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("lpush", c -> push(c, true))
         .bind("rpush", c -> push(c, false))
         .bind("lpushx", c -> pushx(c, true))
         .bind("rpushx", c -> pushx(c, false))
         .bind("lpop", c -> pop(c, true))
         .bind("rpop", c -> pop(c, false))
         .bind("llen", c -> {
             ListValue l = list(c, c.arg(1), false);
             c.reply.integer(l == null ? 0 : l.length());
         })
         .bind("lrange", ListCommands::lrange)
         .bind("lindex", ListCommands::lindex)
         .bind("lset", ListCommands::lset)
         .bind("linsert", ListCommands::linsert)
         .bind("lrem", ListCommands::lrem)
         .bind("ltrim", ListCommands::ltrim)
         .bind("lpos", ListCommands::lpos)
         .bind("lmove", c -> lmove(c, position(c, 3), position(c, 4)))
         .bind("rpoplpush", c -> lmove(c, false, true))
         .bind("lmpop", c -> BlockingListCommands.lmpop(c, 1, false));
        BlockingListCommands.register(b);
    }

    // ------------------------------------------------------------------ helpers

    /** The list at key: null when missing, WRONGTYPE when another type. */
    static ListValue list(CommandContext c, byte[] key, boolean write) {
        return c.db().lookupAs(key, ListValue.class, write);
    }

    /** LEFT|RIGHT (getListPositionFromObjectOrReply); true means the head. */
    static boolean position(CommandContext c, int i) {
        if (c.argIs(i, "left")) {
            return true;
        }
        if (c.argIs(i, "right")) {
            return false;
        }
        throw Errors.E_SYNTAX;
    }

    /** getRangeLongFromObjectOrReply with a custom message used for every failure. */
    static long rangeLong(CommandContext c, int i, long min, long max, String message) {
        Long v = Bytes.parseLongOrNull(c.arg(i));
        if (v == null || v < min || v > max) {
            throw RedisException.err(message);
        }
        return v;
    }

    /** Deletes the key if the list became empty (the key must not outlive its last element). */
    static void deleteIfEmpty(CommandContext c, byte[] key, ListValue l) {
        if (l.isEmpty()) {
            c.db().delete(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        }
    }

    /** Pushes a popped value to destination, creating it; replies with the value (lmoveHandlePush). */
    static void pushTo(CommandContext c, byte[] key, ListValue dst, byte[] value, boolean head) {
        Database db = c.db();
        if (dst == null) {
            dst = new ListValue();
            dst.push(value, head);
            db.add(key, dst);
        } else {
            dst.push(value, head);
            db.ready(key);
        }
        db.modified(key);
        c.notify(KeyspaceEvents.LIST, head ? "lpush" : "rpush", key);
        c.reply.bulk(value);
    }

    /** Writes up to {@code count} elements taken from one end, then removes them. */
    static void popRangeReply(CommandContext c, byte[] key, ListValue l, long count, boolean head) {
        int n = (int) Math.min(count, l.length());
        c.reply.array(n);
        for (int i = 0; i < n; i++) {
            c.reply.bulk(l.pop(head));
        }
        popped(c, key, head);
        deleteIfEmpty(c, key, l);
        c.db().modified(key);
        c.dirty(n);
    }

    /** The "lpop"/"rpop" event of elements taken from a list (before its "del", if emptied). */
    static void popped(CommandContext c, byte[] key, boolean head) {
        c.notify(KeyspaceEvents.LIST, head ? "lpop" : "rpop", key);
    }

    // ------------------------------------------------------------------ push / pop

    private static void push(CommandContext c, boolean head) {
        byte[] key = c.arg(1);
        Database db = c.db();
        ListValue l = list(c, key, true);
        boolean created = l == null;
        if (created) {
            l = new ListValue();
        }
        for (int i = 2; i < c.argc(); i++) {
            l.push(c.arg(i), head);
        }
        if (created) {
            db.add(key, l);
        } else {
            db.ready(key);
        }
        db.modified(key);
        c.notify(KeyspaceEvents.LIST, head ? "lpush" : "rpush", key);
        c.dirty(c.argc() - 2);
        c.reply.integer(l.length());
    }

    private static void pushx(CommandContext c, boolean head) {
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            c.reply.integer(0);
            return;
        }
        for (int i = 2; i < c.argc(); i++) {
            l.push(c.arg(i), head);
        }
        c.db().ready(key);
        c.db().modified(key);
        c.notify(KeyspaceEvents.LIST, head ? "lpush" : "rpush", key);
        c.dirty(c.argc() - 2);
        c.reply.integer(l.length());
    }

    /** LPOP/RPOP key [count]: a bulk without count, an array with one (even count 1). */
    private static void pop(CommandContext c, boolean head) {
        if (c.argc() > 3) {
            throw Errors.wrongArity(c.spec.fullName);
        }
        boolean hasCount = c.argc() == 3;
        long count = hasCount ? rangeLong(c, 2, 0, Long.MAX_VALUE, E_POSITIVE) : 0;
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            if (hasCount) {
                c.reply.nullArray();
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            c.reply.emptyArray();
            return;
        }
        if (!hasCount) {
            c.reply.bulk(l.pop(head));
            popped(c, key, head);
            deleteIfEmpty(c, key, l);
            c.db().modified(key);
            c.dirty();
            return;
        }
        popRangeReply(c, key, l, count, head);
    }

    // ------------------------------------------------------------------ by index

    private static void lrange(CommandContext c) {
        long start = c.argLong(2);
        long end = c.argLong(3);
        ListValue l = list(c, c.arg(1), false);
        if (l == null) {
            c.reply.emptyArray();
            return;
        }
        RankRange r = RankRange.of(start, end, l.length());
        if (r == null) {
            c.reply.emptyArray();
            return;
        }
        int from = (int) r.start();
        int to = (int) r.end();
        c.reply.array(to - from + 1);
        for (int i = from; i <= to; i++) {
            c.reply.bulk(l.get(i));
        }
    }

    /** Resolves a possibly negative index; -1 when outside the list. */
    private static int resolveIndex(ListValue l, long index) {
        if (index < 0) {
            index += l.length();
        }
        return index < 0 || index >= l.length() ? -1 : (int) index;
    }

    private static void lindex(CommandContext c) {
        ListValue l = list(c, c.arg(1), false);
        if (l == null) {
            c.reply.nullBulk();
            return;
        }
        int i = resolveIndex(l, c.argLong(2));
        c.reply.bulk(i < 0 ? null : l.get(i));
    }

    private static void lset(CommandContext c) {
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            throw RedisException.err("no such key");
        }
        int i = resolveIndex(l, c.argLong(2));
        if (i < 0) {
            throw RedisException.err("index out of range");
        }
        l.set(i, c.arg(3));
        c.db().modified(key);
        c.notify(KeyspaceEvents.LIST, "lset", key);
        c.dirty();
        c.reply.ok();
    }

    private static void linsert(CommandContext c) {
        boolean after;
        if (c.argIs(2, "after")) {
            after = true;
        } else if (c.argIs(2, "before")) {
            after = false;
        } else {
            throw Errors.E_SYNTAX;
        }
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            c.reply.integer(0);
            return;
        }
        int pivot = l.indexOf(c.arg(3));
        if (pivot < 0) {
            c.reply.integer(-1);
            return;
        }
        l.insert(after ? pivot + 1 : pivot, c.arg(4));
        c.db().modified(key);
        c.notify(KeyspaceEvents.LIST, "linsert", key);
        c.dirty();
        c.reply.integer(l.length());
    }

    private static void lrem(CommandContext c) {
        long count = c.argLong(2);
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            c.reply.integer(0);
            return;
        }
        boolean fromTail = count < 0;
        // Redis negates a LONG_MIN count into itself, which never matches a removal tally: all go.
        long limit = count == Long.MIN_VALUE ? 0 : Math.abs(count);
        int removed = l.removeMatching(c.arg(3), limit, fromTail);
        if (removed > 0) {
            c.db().modified(key);
            c.notify(KeyspaceEvents.LIST, "lrem", key);
            c.dirty(removed);
        }
        deleteIfEmpty(c, key, l);
        c.reply.integer(removed);
    }

    private static void ltrim(CommandContext c) {
        long start = c.argLong(2);
        long end = c.argLong(3);
        byte[] key = c.arg(1);
        ListValue l = list(c, key, true);
        if (l == null) {
            c.reply.ok();
            return;
        }
        RankRange r = RankRange.of(start, end, l.length());
        int removed = r == null ? l.trim(1, 0) : l.trim((int) r.start(), (int) r.end());
        c.notify(KeyspaceEvents.LIST, "ltrim", key);
        deleteIfEmpty(c, key, l);
        c.db().modified(key);
        c.dirty(removed);
        c.reply.ok();
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    private static void lpos(CommandContext c) {
        byte[] element = c.arg(2);
        long rank = 1;
        long count = -1; // option not given
        long maxlen = 0;
        for (int j = 3; j < c.argc(); j++) {
            boolean moreArgs = j + 1 < c.argc();
            if (c.argIs(j, "rank") && moreArgs) {
                j++;
                // LONG_MIN is accepted and, negated, stays negative: it then matches from the
                // first hit, and the COUNT arithmetic wraps exactly as Redis's C longs do.
                rank = c.argLong(j);
                if (rank == 0) {
                    throw RedisException.err("RANK can't be zero: use 1 to start from the first match, "
                            + "2 from the second ... or use negative to start from the end of the list");
                }
            } else if (c.argIs(j, "count") && moreArgs) {
                j++;
                count = rangeLong(c, j, 0, Long.MAX_VALUE, "COUNT can't be negative");
            } else if (c.argIs(j, "maxlen") && moreArgs) {
                j++;
                maxlen = rangeLong(c, j, 0, Long.MAX_VALUE, "MAXLEN can't be negative");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank;
        }
        ListValue l = list(c, c.arg(1), false);
        if (l == null) {
            if (count != -1) {
                c.reply.emptyArray();
            } else {
                c.reply.nullBulk();
            }
            return;
        }
        int len = l.length();
        long matches = 0;
        long[] found = count != -1 ? new long[Math.min(len, 16)] : null;
        int nFound = 0;
        long single = -1;
        for (long scanned = 0; scanned < len && (maxlen == 0 || scanned < maxlen); scanned++) {
            int i = (int) (fromTail ? len - 1 - scanned : scanned);
            if (!Arrays.equals(l.get(i), element)) {
                continue;
            }
            matches++;
            if (matches < rank) {
                continue;
            }
            if (found == null) {
                single = i;
                break;
            }
            if (nFound == found.length) {
                found = Arrays.copyOf(found, Math.max(16, nFound * 2));
            }
            found[nFound++] = i;
            if (count != 0 && matches - rank + 1 >= count) {
                break;
            }
        }
        if (found == null) {
            if (single < 0) {
                c.reply.nullBulk();
            } else {
                c.reply.integer(single);
            }
            return;
        }
        c.reply.array(nFound);
        for (int k = 0; k < nFound; k++) {
            c.reply.integer(found[k]);
        }
    }

    // ------------------------------------------------------------------ moves

    /**
     * LMOVE / RPOPLPUSH, and BLMOVE / BRPOPLPUSH once the source has data: pops from source,
     * pushes to destination (which may be the same list), replies with the element.
     */
    static void lmove(CommandContext c, boolean fromHead, boolean toHead) {
        byte[] srcKey = c.arg(1);
        byte[] dstKey = c.arg(2);
        ListValue src = list(c, srcKey, true);
        if (src == null) {
            c.reply.nullBulk();
            return;
        }
        ListValue dst = list(c, dstKey, true);
        byte[] value = src.pop(fromHead);
        // When source and destination are one list (rotation) the push refills it before the
        // emptiness check, so the key survives.
        pushTo(c, dstKey, dst, value, toHead);
        popped(c, srcKey, fromHead);
        deleteIfEmpty(c, srcKey, src);
        c.db().modified(srcKey);
        c.dirty();
    }
}
