package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pops of the sorted set family (see {@link SortedSetCommands}), blocking or not; Redis's
 * genericZpopCommand, zmpopGenericCommand and blockingGenericZpopCommand:
 *
 * <pre>
 * ZPOPMIN key [count] / ZPOPMAX key [count]
 * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
 * BZPOPMIN key [key ...] timeout / BZPOPMAX key [key ...] timeout
 * BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
 * </pre>
 * A blocking pop that finds nothing waits for a key to receive a sorted set and is run again by
 * the dispatcher; inside MULTI/EXEC it replies nil at once, as on timeout. Served blocking pops
 * and ZMPOP reach replicas and the AOF as ZPOPMIN/ZPOPMAX.
 */
final class SortedSetPopCommands {
    private SortedSetPopCommands() {}

    static void register(CommandTable.Binder b) {
        b.bind("zpopmin", c -> zpopMinMax(c, false))
         .bind("zpopmax", c -> zpopMinMax(c, true))
         .bind("zmpop", c -> zmpop(c, 1, false))
         .bind("bzpopmin", c -> bzpop(c, false))
         .bind("bzpopmax", c -> bzpop(c, true))
         .bind("bzmpop", c -> zmpop(c, 2, true));
    }


    static void zpopMinMax(CommandContext c, boolean max) {
        if (c.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        long count = -1; // -1: a single pop with a flat reply
        if (c.argc() == 3) {
            count = SortedSetCommands.positiveLong(c.arg(2), "value is out of range, must be positive");
        }
        boolean nested = c.reply.resp3() && count != -1;
        genericZpop(c, List.of(c.arg(1)), max, false, count, nested, false);
    }

    /**
     * genericZpopCommand(): pops from the first existing key of {@code keys}. The reply is
     * [member, score, ...] (nested pairs when {@code nested}), prefixed by the key when
     * {@code emitKey} ([key, member, score] for BZPOPMIN, [key, [[member, score], ...]] for
     * ZMPOP). Returns the key popped from, or null when every key was missing.
     */
    static byte[] genericZpop(CommandContext c, List<byte[]> keys, boolean max, boolean emitKey,
                              long count, boolean nested, boolean nilWhenEmpty) {
        byte[] key = null;
        ZSetValue z = null;
        for (byte[] k : keys) {
            z = SortedSetCommands.write(c, k);
            if (z != null) {
                key = k;
                break;
            }
        }
        Reply r = c.reply;
        if (z == null) {
            if (nilWhenEmpty) {
                r.nullArray();
            } else {
                r.emptyArray();
            }
            return null;
        }
        if (count == 0) {
            r.emptyArray();
            return null;
        }
        if (count == -1) {
            count = 1;
        }
        long rangeLen = Math.min(count, z.length());
        if (!nested && !emitKey) {
            r.array(rangeLen * 2);
        } else if (nested && !emitKey) {
            r.array(rangeLen);
        } else if (!nested) {
            r.array(rangeLen * 2 + 1);
            r.bulk(key);
        } else {
            r.array(2);
            r.bulk(key);
            r.array(rangeLen);
        }
        ZSetValue.EntryVisitor emit = (m, s) -> {
            if (nested) {
                r.array(2);
            }
            r.bulk(m);
            r.dbl(s);
        };
        for (long i = 0; i < rangeLen; i++) {
            z.pop(max, emit);
            c.dirty();
        }
        if (rangeLen > 0) {
            c.notify(KeyspaceEvents.ZSET, max ? "zpopmax" : "zpopmin", key);
        }
        if (z.length() == 0) {
            c.db().delete(key);
            c.notify(KeyspaceEvents.GENERIC, "del", key);
        } else {
            c.db().modified(key);
        }
        return key;
    }

    /** ZMPOP numkeys key... MIN|MAX [COUNT n] (argument 1 on) and BZMPOP timeout numkeys ... */
    static void zmpop(CommandContext c, int numkeysIdx, boolean block) {
        Long numkeys = Bytes.parseLongOrNull(c.arg(numkeysIdx));
        if (numkeys == null || numkeys < 1) {
            throw RedisException.err("numkeys should be greater than 0");
        }
        if (numkeys >= c.argc()) {
            throw Errors.E_SYNTAX;
        }
        int whereIdx = numkeysIdx + (int) (long) numkeys + 1;
        if (whereIdx >= c.argc()) {
            throw Errors.E_SYNTAX;
        }
        boolean max;
        if (c.argIs(whereIdx, "min")) {
            max = false;
        } else if (c.argIs(whereIdx, "max")) {
            max = true;
        } else {
            throw Errors.E_SYNTAX;
        }
        long count = -1;
        for (int j = whereIdx + 1; j < c.argc(); j++) {
            int moreArgs = c.argc() - 1 - j;
            if (count == -1 && c.argIs(j, "count") && moreArgs > 0) {
                j++;
                Long v = Bytes.parseLongOrNull(c.arg(j));
                if (v == null || v < 1) {
                    throw RedisException.err("count should be greater than 0");
                }
                count = v;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (count == -1) {
            count = 1;
        }
        List<byte[]> keys = Arrays.asList(c.argv).subList(numkeysIdx + 1, whereIdx);
        if (block) {
            blockingZpop(c, keys, max, 1, count, true, true);
            return;
        }
        byte[] popped = genericZpop(c, keys, max, true, count, true, true);
        if (popped != null) {
            propagateAsPop(c, max, popped, count);
        }
    }

    static void bzpop(CommandContext c, boolean max) {
        List<byte[]> keys = Arrays.asList(c.argv).subList(1, c.argc() - 1);
        blockingZpop(c, keys, max, c.argc() - 1, -1, false, false);
    }

    /**
     * blockingGenericZpopCommand(): pops like ZPOPMIN/ZMPOP from the first non-empty key, else
     * blocks until one of the keys gets a sorted set (the dispatcher then runs this again), or
     * replies nil right away where blocking is not allowed (MULTI/EXEC). Timeouts reply nil.
     */
    private static void blockingZpop(CommandContext c, List<byte[]> keys, boolean max, int timeoutIdx,
                                     long count, boolean nested, boolean nilWhenEmpty) {
        long deadline = c.timeoutArg(timeoutIdx);
        // Re-run for a fed key: Redis 7.0 serves a client waiting on several keys from that one.
        byte[] ready = c.readyKey();
        List<byte[]> order = keys;
        if (ready != null) {
            order = new ArrayList<>(keys.size() + 1);
            order.add(ready);
            order.addAll(keys);
        }
        for (byte[] key : order) {
            ZSetValue z = SortedSetCommands.write(c, key);
            if (z == null || z.length() == 0) {
                continue;
            }
            genericZpop(c, List.of(key), max, true, count, nested, nilWhenEmpty);
            // Replicas and the AOF see the non-blocking pop that actually happened.
            if (count == -1) {
                c.propagateAs(new byte[][] {Bytes.of(max ? "ZPOPMAX" : "ZPOPMIN"), key});
            } else {
                propagateAsPop(c, max, key, count);
            }
            return;
        }
        if (!c.canBlock()) {
            c.reply.nullArray();
            return;
        }
        c.block(new ArrayList<>(keys), ZSetValue.class, deadline, Reply::nullArray);
    }

    private static void propagateAsPop(CommandContext c, boolean max, byte[] key, long count) {
        c.propagateAs(new byte[][] {Bytes.of(max ? "ZPOPMAX" : "ZPOPMIN"), key, Bytes.fromLong(count > 0 ? count : 1)});
    }
}
