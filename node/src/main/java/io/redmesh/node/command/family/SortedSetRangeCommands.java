package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.ZRangeSpec;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RankRange;
import io.redmesh.node.util.RedisException;

/**
 * The range commands of the sorted set family (see {@link SortedSetCommands}), all built on
 * Redis 7.0's zrangeGenericCommand and zremrangeGenericCommand:
 *
 * <pre>
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
 * ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * ZREVRANGE key start stop [WITHSCORES]
 * ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]   (ZREVRANGEBYSCORE key max min ...)
 * ZRANGEBYLEX key min max [LIMIT offset count]                  (ZREVRANGEBYLEX key max min ...)
 * ZCOUNT key min max                    ZLEXCOUNT key min max
 * ZREMRANGEBYRANK key start stop        ZREMRANGEBYSCORE key min max    ZREMRANGEBYLEX key min max
 * </pre>
 * Score bounds are "1.5", "(1.5" (open), "-inf", "+inf"; lex bounds are "[a", "(a", "-", "+".
 */
final class SortedSetRangeCommands {
    private SortedSetRangeCommands() {}

    static final String NOT_FLOAT_RANGE = "min or max is not a float";
    static final String NOT_LEX_RANGE = "min or max not valid string range item";

    enum Type { AUTO, RANK, SCORE, LEX }

    static void register(CommandTable.Binder b) {
        b.bind("zrange", c -> zrange(c, 1, false, Type.AUTO, null))
         .bind("zrangestore", c -> zrange(c, 2, true, Type.AUTO, null))
         .bind("zrevrange", c -> zrange(c, 1, false, Type.RANK, true))
         .bind("zrangebyscore", c -> zrange(c, 1, false, Type.SCORE, false))
         .bind("zrevrangebyscore", c -> zrange(c, 1, false, Type.SCORE, true))
         .bind("zrangebylex", c -> zrange(c, 1, false, Type.LEX, false))
         .bind("zrevrangebylex", c -> zrange(c, 1, false, Type.LEX, true))
         .bind("zcount", c -> count(c, Type.SCORE))
         .bind("zlexcount", c -> count(c, Type.LEX))
         .bind("zremrangebyrank", c -> remrange(c, Type.RANK))
         .bind("zremrangebyscore", c -> remrange(c, Type.SCORE))
         .bind("zremrangebylex", c -> remrange(c, Type.LEX));
    }

    static ZRangeSpec.Score parseScore(byte[] min, byte[] max) {
        ZRangeSpec.Score r = ZRangeSpec.Score.parse(min, max);
        if (r == null) {
            throw RedisException.err(NOT_FLOAT_RANGE);
        }
        return r;
    }

    static ZRangeSpec.Lex parseLex(byte[] min, byte[] max) {
        ZRangeSpec.Lex r = ZRangeSpec.Lex.parse(min, max);
        if (r == null) {
            throw RedisException.err(NOT_LEX_RANGE);
        }
        return r;
    }

    /**
     * zrangeGenericCommand(): options are parsed, then the range, then the key is looked up, so
     * a malformed range is reported even for a missing key. {@code reverse} is null when REV
     * may still be given (ZRANGE, ZRANGESTORE).
     */
    static void zrange(CommandContext c, int argStart, boolean store, Type type, Boolean reverse) {
        byte[] key = c.arg(argStart);
        int minIdx = argStart + 1;
        int maxIdx = argStart + 2;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        boolean limitGiven = false;
        for (int j = argStart + 3; j < c.argc(); j++) {
            int left = c.argc() - j - 1;
            if (!store && c.argIs(j, "withscores")) {
                withScores = true;
            } else if (c.argIs(j, "limit") && left >= 2) {
                offset = c.argLong(j + 1);
                limit = c.argLong(j + 2);
                limitGiven = true;
                j += 2;
            } else if (reverse == null && c.argIs(j, "rev")) {
                reverse = true;
            } else if (type == Type.AUTO && c.argIs(j, "bylex")) {
                type = Type.LEX;
            } else if (type == Type.AUTO && c.argIs(j, "byscore")) {
                type = Type.SCORE;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean rev = reverse != null && reverse;
        if (type == Type.AUTO) {
            type = Type.RANK;
        }
        // Redis tests "opt_limit != -1", so an explicit "LIMIT x -1" passes with ranks.
        if (limitGiven && limit != -1 && type == Type.RANK) {
            throw RedisException.err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && type == Type.LEX) {
            throw RedisException.err("syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        if (rev && type != Type.RANK) {
            int t = maxIdx; // the range is given as max, min
            maxIdx = minIdx;
            minIdx = t;
        }
        long start = 0;
        long end = 0;
        ZRangeSpec range = null;
        switch (type) {
            case SCORE:
                range = parseScore(c.arg(minIdx), c.arg(maxIdx));
                break;
            case LEX:
                range = parseLex(c.arg(minIdx), c.arg(maxIdx));
                break;
            default:
                start = c.argLong(minIdx);
                end = c.argLong(maxIdx);
                break;
        }
        ZSetValue z = SortedSetCommands.read(c, key);
        SortedSetCommands.Collected out = new SortedSetCommands.Collected();
        if (z != null) {
            if (type == Type.RANK) {
                RankRange r = RankRange.of(start, end, z.length());
                if (r != null) {
                    z.forRankRange(r.start(), r.end(), rev, out);
                }
            } else {
                z.forRange(range, offset, limit, rev, out);
            }
        }
        if (!store) {
            SortedSetCommands.replyElements(c.reply, out, withScores);
            return;
        }
        // Redis 7.0 fills the destination through zsetAdd() on a new listpack, converting on the way.
        ZSetValue dst = new ZSetValue();
        ZSetValue.Limits limits = SortedSetCommands.limits(c);
        for (int i = 0; i < out.size; i++) {
            dst.insert(out.members[i], out.scores[i], limits);
        }
        SortedSetCommands.storeResult(c, c.arg(1), dst, "zrangestore");
    }

    static void count(CommandContext c, Type type) {
        ZRangeSpec range = type == Type.SCORE ? parseScore(c.arg(2), c.arg(3)) : parseLex(c.arg(2), c.arg(3));
        ZSetValue z = SortedSetCommands.read(c, c.arg(1));
        c.reply.integer(z == null ? 0 : z.count(range));
    }

    /** zremrangeGenericCommand(). */
    static void remrange(CommandContext c, Type type) {
        byte[] key = c.arg(1);
        long start = 0;
        long end = 0;
        ZRangeSpec range = null;
        if (type == Type.RANK) {
            start = c.argLong(2);
            end = c.argLong(3);
        } else if (type == Type.SCORE) {
            range = parseScore(c.arg(2), c.arg(3));
        } else {
            range = parseLex(c.arg(2), c.arg(3));
        }
        ZSetValue z = SortedSetCommands.write(c, key);
        if (z == null) {
            c.reply.integer(0);
            return;
        }
        long deleted;
        if (type == Type.RANK) {
            RankRange r = RankRange.of(start, end, z.length());
            if (r == null) {
                c.reply.integer(0);
                return;
            }
            deleted = z.removeRankRange(r.start(), r.end());
        } else {
            deleted = z.removeRange(range);
        }
        if (deleted > 0) {
            c.notify(KeyspaceEvents.ZSET, type == Type.RANK ? "zremrangebyrank"
                    : type == Type.SCORE ? "zremrangebyscore" : "zremrangebylex", key);
            if (z.length() == 0) {
                c.db().delete(key);
                c.notify(KeyspaceEvents.GENERIC, "del", key);
            } else {
                c.db().modified(key);
            }
            c.dirty(deleted);
        }
        c.reply.integer(deleted);
    }
}
