package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The list commands that pop from several keys or wait for data (Redis's t_list.c blocking half).
 *
 * <pre>
 * LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
 * BLPOP/BRPOP key [key ...] timeout
 * BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
 * BRPOPLPUSH source destination timeout
 * </pre>
 * A blocking command that finds nothing registers with {@link CommandContext#block} and writes
 * no reply; the dispatcher runs it again when a push makes one of its keys ready, in the order
 * clients blocked. On that re-run the key that woke the client is tried first, as Redis 7.0
 * serves a blocked client from the key that became ready. On timeout (and CLIENT UNBLOCK) the
 * reply is a null array for every one of them, BLMOVE included, as Redis 7.0 answers; inside
 * MULTI they answer at once: a null array, or a null bulk for BLMOVE/BRPOPLPUSH.
 *
 * <p>What replicas see is the non-blocking equivalent of what happened: LPOP/RPOP key [count],
 * LMOVE, RPOPLPUSH.
 */
final class BlockingListCommands {
    private BlockingListCommands() {}

    private static final byte[] LPOP = Bytes.of("LPOP");
    private static final byte[] RPOP = Bytes.of("RPOP");
    private static final byte[] LMOVE = Bytes.of("LMOVE");
    private static final byte[] RPOPLPUSH = Bytes.of("RPOPLPUSH");

    static void register(CommandTable.Binder b) {
        b.bind("blpop", c -> bpop(c, true))
         .bind("brpop", c -> bpop(c, false))
         .bind("blmpop", c -> lmpop(c, 2, true))
         .bind("blmove", c -> {
             boolean from = ListCommands.position(c, 3);
             boolean to = ListCommands.position(c, 4);
             blmove(c, from, to, c.timeoutArg(5));
         })
         .bind("brpoplpush", c -> blmove(c, false, true, c.timeoutArg(3)));
    }

    /** The order in which to try keys: the one that woke a blocked client first. */
    private static List<byte[]> candidates(CommandContext c, List<byte[]> keys) {
        byte[] ready = c.readyKey();
        if (ready == null) {
            return keys;
        }
        List<byte[]> order = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            if (Arrays.equals(k, ready)) {
                order.add(k);
            }
        }
        if (order.isEmpty()) {
            return keys;
        }
        order.addAll(keys);
        return order;
    }

    /** BLPOP/BRPOP key [key ...] timeout: replies [key, element]. */
    private static void bpop(CommandContext c, boolean head) {
        long deadline = c.timeoutArg(c.argc() - 1);
        List<byte[]> keys = Arrays.asList(c.argv).subList(1, c.argc() - 1);
        for (byte[] key : candidates(c, keys)) {
            ListValue l = ListCommands.list(c, key, true);
            if (l == null) {
                continue;
            }
            c.reply.array(2);
            c.reply.bulk(key);
            c.reply.bulk(l.pop(head));
            ListCommands.popped(c, key, head);
            ListCommands.deleteIfEmpty(c, key, l);
            c.db().modified(key);
            c.dirty();
            c.propagateAs(new byte[][] {head ? LPOP : RPOP, key});
            return;
        }
        if (!c.canBlock()) {
            c.reply.nullArray();
            return;
        }
        c.block(keys, ListValue.class, deadline, r -> r.nullArray());
    }

    /**
     * LMPOP (numkeys at 1) and BLMPOP (timeout at 1, numkeys at 2). Replies [key, [elements]]
     * from the first non-empty list, or a null array. The timeout is parsed last, after the
     * other arguments, as Redis does.
     */
    static void lmpop(CommandContext c, int numkeysIdx, boolean blocking) {
        long numkeys = ListCommands.rangeLong(c, numkeysIdx, 1, Long.MAX_VALUE,
                "numkeys should be greater than 0");
        if (numkeys >= c.argc() - numkeysIdx - 1) {
            throw Errors.E_SYNTAX; // LEFT|RIGHT would lie beyond the arguments
        }
        int whereIdx = numkeysIdx + (int) numkeys + 1;
        boolean head = ListCommands.position(c, whereIdx);
        long count = -1;
        for (int j = whereIdx + 1; j < c.argc(); j++) {
            if (count == -1 && c.argIs(j, "count") && j + 1 < c.argc()) {
                j++;
                count = ListCommands.rangeLong(c, j, 1, Long.MAX_VALUE, "count should be greater than 0");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (count == -1) {
            count = 1;
        }
        long deadline = blocking ? c.timeoutArg(1) : 0;
        List<byte[]> keys = Arrays.asList(c.argv).subList(numkeysIdx + 1, whereIdx);
        for (byte[] key : candidates(c, keys)) {
            ListValue l = ListCommands.list(c, key, true);
            if (l == null) {
                continue;
            }
            long popped = Math.min(count, l.length());
            c.reply.array(2);
            c.reply.bulk(key);
            ListCommands.popRangeReply(c, key, l, count, head);
            c.propagateAs(new byte[][] {head ? LPOP : RPOP, key, Bytes.fromLong(popped)});
            return;
        }
        if (!blocking || !c.canBlock()) {
            c.reply.nullArray();
            return;
        }
        c.block(keys, ListValue.class, deadline, r -> r.nullArray());
    }

    /** BLMOVE / BRPOPLPUSH: LMOVE when the source has data, otherwise wait for it. */
    private static void blmove(CommandContext c, boolean fromHead, boolean toHead, long deadline) {
        ListValue src = ListCommands.list(c, c.arg(1), true);
        if (src != null) {
            ListCommands.lmove(c, fromHead, toHead);
            if (c.spec.fullName.equals("blmove")) {
                c.propagateAs(new byte[][] {LMOVE, c.arg(1), c.arg(2), c.arg(3), c.arg(4)});
            } else {
                c.propagateAs(new byte[][] {RPOPLPUSH, c.arg(1), c.arg(2)});
            }
            return;
        }
        if (!c.canBlock()) {
            c.reply.nullBulk();
            return;
        }
        // Redis 7.0 times every blocked list command out with a null array, BLMOVE too.
        c.block(List.of(c.arg(1)), ListValue.class, deadline, r -> r.nullArray());
    }
}
