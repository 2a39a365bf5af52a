package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Doubles;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sorted set commands (Redis's t_zset.c). This file holds the element commands, random
 * members and ZSCAN; the pops are in {@link SortedSetPopCommands}, ranges in
 * {@link SortedSetRangeCommands} and the set algebra in {@link SortedSetAlgebraCommands}.
 *
 * <pre>
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
 * ZINCRBY key increment member          ZREM key member [member ...]
 * ZCARD key                             ZSCORE key member
 * ZMSCORE key member [member ...]       ZRANK key member / ZREVRANK key member
 * ZRANDMEMBER key [count [WITHSCORES]]  ZSCAN key cursor [MATCH pattern] [COUNT count]
 * </pre>
 * Scores are replied as doubles (a bulk string "%.17g" in RESP2, a RESP3 double otherwise);
 * score lists are flat [member, score, ...] in RESP2 and [[member, score], ...] in RESP3,
 * except where Redis 7.0 keeps them flat (ZPOPMIN without a count, BZPOPMIN, ZSCAN).
 */
final class SortedSetCommands implements CommandFamily {
    static final String NAN_RESULT = "resulting score is not a number (NaN)";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("zadd", c -> zadd(c, false))
         .bind("zincrby", c -> zadd(c, true))
         .bind("zrem", SortedSetCommands::zrem)
         .bind("zcard", c -> {
             ZSetValue z = read(c, c.arg(1));
             c.reply.integer(z == null ? 0 : z.length());
         })
         .bind("zscore", SortedSetCommands::zscore)
         .bind("zmscore", SortedSetCommands::zmscore)
         .bind("zrank", c -> zrank(c, false))
         .bind("zrevrank", c -> zrank(c, true))
         .bind("zrandmember", SortedSetCommands::zrandmember)
         .bind("zscan", SortedSetCommands::zscan);
        SortedSetPopCommands.register(b);
        SortedSetRangeCommands.register(b);
        SortedSetAlgebraCommands.register(b);
    }

    // ------------------------------------------------------------------ shared helpers

    static ZSetValue.Limits limits(CommandContext c) {
        return new ZSetValue.Limits(c.server.config.getLong("zset-max-listpack-entries"),
                c.server.config.getLong("zset-max-listpack-value"));
    }

    /** The sorted set at key for reading: null when missing, WRONGTYPE for other types. */
    static ZSetValue read(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, ZSetValue.class, false);
    }

    static ZSetValue write(CommandContext c, byte[] key) {
        return c.db().lookupAs(key, ZSetValue.class, true);
    }

    /**
     * Stores a command's result set under dst (ZRANGESTORE, ZUNIONSTORE...): an empty result
     * deletes dst instead, as Redis does. Replies with the result's size.
     */
    static void storeResult(CommandContext c, byte[] dst, ZSetValue result, String event) {
        Database db = c.db();
        if (result.length() > 0) {
            db.set(dst, result, false);
            db.ready(dst);
            c.notify(KeyspaceEvents.ZSET, event, dst);
            c.dirty();
            c.reply.integer(result.length());
        } else {
            c.reply.integer(0);
            if (db.delete(dst)) {
                c.notify(KeyspaceEvents.GENERIC, "del", dst);
                c.dirty();
            }
        }
    }

    /** Elements gathered for a reply, in order. */
    static final class Collected implements ZSetValue.EntryVisitor {
        byte[][] members = new byte[8][];
        double[] scores = new double[8];
        int size;

        @Override
        public void accept(byte[] member, double score) {
            if (size == members.length) {
                members = Arrays.copyOf(members, size * 2);
                scores = Arrays.copyOf(scores, size * 2);
            }
            members[size] = member;
            scores[size] = score;
            size++;
        }
    }

    /**
     * Replies with a list of members, with their scores when asked: a flat array in RESP2 and
     * an array of [member, double] pairs in RESP3 (Redis avoids a map to keep the order).
     */
    static void replyElements(Reply r, Collected e, boolean withScores) {
        boolean pairs = withScores && r.resp3();
        r.array(withScores && !pairs ? 2L * e.size : e.size);
        for (int i = 0; i < e.size; i++) {
            if (pairs) {
                r.array(2);
            }
            r.bulk(e.members[i]);
            if (withScores) {
                r.dbl(e.scores[i]);
            }
        }
    }

    /** getPositiveLongFromObjectOrReply(): a non-negative long, or the given error for anything else. */
    static long positiveLong(byte[] arg, String error) {
        Long v = Bytes.parseLongOrNull(arg);
        if (v == null || v < 0) {
            throw RedisException.err(error);
        }
        return v;
    }

    // ------------------------------------------------------------------ ZADD / ZINCRBY

    /**
     * zaddGenericCommand(). ZINCRBY is ZADD INCR with its increment where ZADD's options go,
     * so, as in Redis, "ZINCRBY key nx member" parses NX and fails with a syntax error.
     */
    static void zadd(CommandContext c, boolean incrCommand) {
        zadd(c, c.argv, incrCommand);
    }

    /** ZADD with these arguments (GEOADD runs the ZADD it rewrites itself into). */
    static void zadd(CommandContext c, byte[][] argv, boolean incrCommand) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = incrCommand;
        int idx = 2;
        for (; idx < argv.length; idx++) {
            if (Bytes.eqIgnoreCase(argv[idx], "nx")) {
                nx = true;
            } else if (Bytes.eqIgnoreCase(argv[idx], "xx")) {
                xx = true;
            } else if (Bytes.eqIgnoreCase(argv[idx], "ch")) {
                ch = true;
            } else if (Bytes.eqIgnoreCase(argv[idx], "incr")) {
                incr = true;
            } else if (Bytes.eqIgnoreCase(argv[idx], "gt")) {
                gt = true;
            } else if (Bytes.eqIgnoreCase(argv[idx], "lt")) {
                lt = true;
            } else {
                break;
            }
        }
        int elements = argv.length - idx;
        if (elements % 2 != 0 || elements == 0) {
            throw Errors.E_SYNTAX;
        }
        elements /= 2;
        if (nx && xx) {
            throw RedisException.err("XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw RedisException.err("GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw RedisException.err("INCR option supports a single increment-element pair");
        }
        // Every score is checked before anything changes: the command applies fully or not at all.
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = parseScore(argv[idx + 2 * j]);
        }
        byte[] key = argv[1];
        Database db = c.db();
        ZSetValue z = write(c, key);
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        boolean created = false;
        if (z == null && !xx) {
            z = new ZSetValue();
            db.add(key, z);
            created = true;
        }
        if (z != null) {
            ZSetValue.Limits limits = limits(c);
            for (int j = 0; j < elements; j++) {
                byte[] member = argv[idx + 2 * j + 1];
                double s = scores[j];
                double cur = z.scoreOrNaN(member);
                if (!Double.isNaN(cur)) {
                    if (nx) {
                        continue;
                    }
                    if (incr) {
                        s += cur;
                        if (Double.isNaN(s)) {
                            throw RedisException.err(NAN_RESULT);
                        }
                    }
                    if ((lt && s >= cur) || (gt && s <= cur)) {
                        continue;
                    }
                    processed++;
                    score = s;
                    if (s != cur) {
                        z.updateScore(member, s);
                        updated++;
                    }
                } else if (!xx) {
                    z.insert(member, s, limits);
                    added++;
                    processed++;
                    score = s;
                }
            }
            if (added + updated > 0) {
                db.modified(key);
                if (!created && added > 0) {
                    db.ready(key);
                }
                c.notify(KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", key);
                c.dirty(added + updated);
            }
        }
        if (incr) {
            if (processed > 0) {
                c.reply.dbl(score);
            } else {
                c.reply.nullBulk();
            }
        } else {
            c.reply.integer(ch ? added + updated : added);
        }
    }

    /** A ZADD score: "value is not a valid float" otherwise (as CommandContext.argDouble). */
    private static double parseScore(byte[] b) {
        Double d = Bytes.parseDoubleOrNull(b);
        if (d == null) {
            throw Errors.E_NOT_FLOAT;
        }
        return d;
    }

    // ------------------------------------------------------------------ element commands

    static void zrem(CommandContext c) {
        byte[] key = c.arg(1);
        ZSetValue z = write(c, key);
        if (z == null) {
            c.reply.integer(0);
            return;
        }
        long deleted = 0;
        boolean keyRemoved = false;
        for (int j = 2; j < c.argc(); j++) {
            if (z.remove(c.arg(j))) {
                deleted++;
            }
            if (z.length() == 0) {
                c.db().delete(key);
                keyRemoved = true;
                break;
            }
        }
        if (deleted > 0) {
            if (!keyRemoved) {
                c.db().modified(key);
            }
            c.notify(KeyspaceEvents.ZSET, "zrem", key);
            if (keyRemoved) {
                c.notify(KeyspaceEvents.GENERIC, "del", key);
            }
            c.dirty(deleted);
        }
        c.reply.integer(deleted);
    }

    static void zscore(CommandContext c) {
        ZSetValue z = read(c, c.arg(1));
        double s = z == null ? Double.NaN : z.scoreOrNaN(c.arg(2));
        if (Double.isNaN(s)) {
            c.reply.nullBulk();
        } else {
            c.reply.dbl(s);
        }
    }

    static void zmscore(CommandContext c) {
        ZSetValue z = read(c, c.arg(1));
        c.reply.array(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            double s = z == null ? Double.NaN : z.scoreOrNaN(c.arg(j));
            if (Double.isNaN(s)) {
                c.reply.nullBulk();
            } else {
                c.reply.dbl(s);
            }
        }
    }

    static void zrank(CommandContext c, boolean reverse) {
        ZSetValue z = read(c, c.arg(1));
        long rank = z == null ? -1 : z.rank(c.arg(2), reverse);
        if (rank < 0) {
            c.reply.nullBulk();
        } else {
            c.reply.integer(rank);
        }
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    static void zrandmember(CommandContext c) {
        if (c.argc() >= 3) {
            Long l = Bytes.parseLongOrNull(c.arg(2));
            if (l == null) {
                throw Errors.E_NOT_INTEGER;
            }
            if (l == Long.MIN_VALUE) {
                throw RedisException.err("value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            }
            boolean withScores = false;
            if (c.argc() > 4 || (c.argc() == 4 && !c.argIs(3, "withscores"))) {
                throw Errors.E_SYNTAX;
            } else if (c.argc() == 4) {
                withScores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw RedisException.err("value is out of range");
                }
            }
            zrandmemberWithCount(c, l, withScores);
            return;
        }
        ZSetValue z = read(c, c.arg(1));
        if (z == null) {
            c.reply.nullBulk();
            return;
        }
        z.visitRandom((m, s) -> c.reply.bulk(m));
    }

    /** zrandmemberWithCountCommand(): distinct members for a positive count, repeats for a negative one. */
    private static void zrandmemberWithCount(CommandContext c, long l, boolean withScores) {
        ZSetValue z = read(c, c.arg(1));
        if (z == null) {
            c.reply.emptyArray();
            return;
        }
        int size = z.length();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            c.reply.emptyArray();
            return;
        }
        Reply r = c.reply;
        boolean pairs = withScores && r.resp3();
        if (!unique || count == 1) {
            r.array(withScores && !pairs ? count * 2 : count);
            ZSetValue.EntryVisitor emit = (m, s) -> {
                if (pairs) {
                    r.array(2);
                }
                r.bulk(m);
                if (withScores) {
                    r.dbl(s);
                }
            };
            for (long i = 0; i < count; i++) {
                z.visitRandom(emit);
            }
            return;
        }
        Collected out = new Collected();
        if (count >= size) {
            z.forRankRange(0, size - 1, true, out); // the whole set; Redis 7.0 walks it from the top
            replyElements(r, out, withScores);
            return;
        }
        // Distinct ranks: a partial shuffle when most of the set is wanted, else random draws.
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int n = (int) count;
        int[] ranks;
        if (count * 3 > size) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            for (int i = 0; i < n; i++) {
                int j = i + rnd.nextInt(size - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
            }
            ranks = Arrays.copyOf(all, n);
        } else {
            Set<Integer> seen = new HashSet<>();
            ranks = new int[n];
            int k = 0;
            while (k < n) {
                int rank = rnd.nextInt(size);
                if (seen.add(rank)) {
                    ranks[k++] = rank;
                }
            }
        }
        for (int rank : ranks) {
            z.visitRank(rank, out);
        }
        replyElements(r, out, withScores);
    }

    // ------------------------------------------------------------------ ZSCAN

    /**
     * ZSCAN: a compact set is returned whole with cursor 0; a skiplist set is scanned through
     * its dict with Redis's reverse-binary cursor. As in Redis, COUNT is compared with the
     * number of reply items (a member and its score are two), and MATCH filters afterwards.
     */
    static void zscan(CommandContext c) {
        long cursor = KeyCommands.parseCursor(c.arg(2));
        ZSetValue z = read(c, c.arg(1));
        if (z == null) {
            c.reply.array(2);
            c.reply.bulk(Bytes.fromLong(0));
            c.reply.emptyArray();
            return;
        }
        KeyCommands.ScanOptions o = KeyCommands.ScanOptions.parse(c, 3, false);
        List<byte[]> items = new ArrayList<>();
        ZSetValue.EntryVisitor collect = (m, s) -> {
            items.add(m);
            items.add(Bytes.of(Doubles.formatG17(s)));
        };
        if (z.isListpack()) {
            z.forEach(collect);
            cursor = 0;
        } else {
            long maxIterations = o.count() * 10;
            do {
                cursor = z.scan(cursor, collect);
            } while (cursor != 0 && maxIterations-- > 0 && items.size() < o.count());
        }
        c.reply.array(2);
        c.reply.bulk(Bytes.of(Long.toUnsignedString(cursor)));
        int n = 0;
        for (int i = 0; i < items.size(); i += 2) {
            if (o.matches(items.get(i))) {
                n++;
            }
        }
        c.reply.array(2L * n);
        for (int i = 0; i < items.size(); i += 2) {
            if (o.matches(items.get(i))) {
                c.reply.bulk(items.get(i));
                c.reply.bulk(items.get(i + 1));
            }
        }
    }
}
