package io.redmesh.node.command.family;

import io.redmesh.node.command.ByteString;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Set algebra over sorted sets (and plain sets, whose members count with score 1), part of the
 * sorted set family (see {@link SortedSetCommands}); Redis's zunionInterDiffGenericCommand:
 *
 * <pre>
 * ZUNION numkeys key [key ...] [WEIGHTS w [w ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
 * ZINTER numkeys key [key ...] [WEIGHTS w [w ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
 * ZDIFF numkeys key [key ...] [WITHSCORES]
 * ZUNIONSTORE dst numkeys key [key ...] [WEIGHTS ...] [AGGREGATE ...]   (ZINTERSTORE likewise)
 * ZDIFFSTORE dst numkeys key [key ...]
 * ZINTERCARD numkeys key [key ...] [LIMIT limit]
 * </pre>
 */
final class SortedSetAlgebraCommands {
    private SortedSetAlgebraCommands() {}

    enum Op { UNION, INTER, DIFF }

    enum Aggregate { SUM, MIN, MAX }

    static void register(CommandTable.Binder b) {
        b.bind("zunion", c -> generic(c, null, 1, Op.UNION, false))
         .bind("zinter", c -> generic(c, null, 1, Op.INTER, false))
         .bind("zdiff", c -> generic(c, null, 1, Op.DIFF, false))
         .bind("zunionstore", c -> generic(c, c.arg(1), 2, Op.UNION, false))
         .bind("zinterstore", c -> generic(c, c.arg(1), 2, Op.INTER, false))
         .bind("zdiffstore", c -> generic(c, c.arg(1), 2, Op.DIFF, false))
         .bind("zintercard", c -> generic(c, null, 1, Op.INTER, true));
    }

    /** One input: a sorted set, a set (every score 1), or nothing (a missing key). */
    static final class Source {
        final Object value;
        double weight = 1.0;

        Source(Object value) {
            this.value = value;
        }

        int length() {
            if (value instanceof ZSetValue z) {
                return z.length();
            }
            return value == null ? 0 : ((SetValue) value).length();
        }

        /** The member's score in this input, NaN when absent. */
        double score(byte[] member) {
            if (value instanceof ZSetValue z) {
                return z.scoreOrNaN(member);
            }
            return value != null && ((SetValue) value).contains(member) ? 1.0 : Double.NaN;
        }

        /** Visits the members while {@code cond} holds. */
        void forEachWhile(ZSetValue.EntryCondition cond) {
            if (value instanceof ZSetValue z) {
                z.forEachWhile(cond);
            } else if (value != null) {
                boolean[] go = {true};
                ((SetValue) value).forEach(m -> {
                    if (go[0]) {
                        go[0] = cond.test(m, 1.0);
                    }
                });
            }
        }
    }

    static double aggregate(double target, double value, Aggregate a) {
        switch (a) {
            case SUM: {
                double r = target + value;
                return Double.isNaN(r) ? 0.0 : r; // +inf + -inf: Redis's convention is 0
            }
            case MIN:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    static void generic(CommandContext c, byte[] dstKey, int numkeysIdx, Op op, boolean cardinalityOnly) {
        long setnum = c.argLong(numkeysIdx);
        if (setnum < 1) {
            throw RedisException.err("at least 1 input key is needed for '" + c.spec.fullName + "' command");
        }
        if (setnum > c.argc() - (numkeysIdx + 1)) {
            throw Errors.E_SYNTAX;
        }
        int n = (int) setnum;
        Source[] src = new Source[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Object v = c.db().lookup(c.arg(j));
            if (v != null && !(v instanceof ZSetValue) && !(v instanceof SetValue)) {
                throw Errors.E_WRONGTYPE;
            }
            src[i] = new Source(v);
        }
        Aggregate aggregate = Aggregate.SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = c.argc() - j;
        while (remaining > 0) {
            if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && c.argIs(j, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    Double w = Bytes.parseDoubleOrNull(c.arg(j));
                    if (w == null) {
                        throw RedisException.err("weight value is not a float");
                    }
                    src[i].weight = w;
                }
            } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && c.argIs(j, "aggregate")) {
                j++;
                if (c.argIs(j, "sum")) {
                    aggregate = Aggregate.SUM;
                } else if (c.argIs(j, "min")) {
                    aggregate = Aggregate.MIN;
                } else if (c.argIs(j, "max")) {
                    aggregate = Aggregate.MAX;
                } else {
                    throw Errors.E_SYNTAX;
                }
                j++;
                remaining -= 2;
            } else if (dstKey == null && !cardinalityOnly && c.argIs(j, "withscores")) {
                j++;
                remaining--;
                withScores = true;
            } else if (cardinalityOnly && remaining >= 2 && c.argIs(j, "limit")) {
                limit = SortedSetCommands.positiveLong(c.arg(j + 1), "LIMIT can't be negative");
                j += 2;
                remaining -= 2;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (op != Op.DIFF) {
            // Smallest input first (a stable sort, like glibc's qsort on these sizes).
            Arrays.sort(src, Comparator.comparingInt(Source::length));
        }
        ZSetValue dst = ZSetValue.newSkiplist();
        long[] cardinality = {0};
        if (op == Op.INTER) {
            inter(src, aggregate, dst, cardinalityOnly, limit, cardinality);
        } else if (op == Op.UNION) {
            union(src, aggregate, dst);
        } else {
            diff(src, dst);
        }
        if (dstKey != null) {
            dst.convertToListpackIfFits(SortedSetCommands.limits(c));
            SortedSetCommands.storeResult(c, dstKey, dst,
                    op == Op.UNION ? "zunionstore" : op == Op.INTER ? "zinterstore" : "zdiffstore");
        } else if (cardinalityOnly) {
            c.reply.integer(cardinality[0]);
        } else {
            SortedSetCommands.Collected out = new SortedSetCommands.Collected();
            dst.forEach(out);
            SortedSetCommands.replyElements(c.reply, out, withScores);
        }
    }

    private static final ZSetValue.Limits UNLIMITED = new ZSetValue.Limits(Long.MAX_VALUE, Long.MAX_VALUE);

    private static void inter(Source[] src, Aggregate aggregate, ZSetValue dst, boolean cardinalityOnly,
                              long limit, long[] cardinality) {
        if (src[0].length() == 0) {
            return; // inputs are sorted by size: one is empty, so is the intersection
        }
        src[0].forEachWhile((member, s) -> {
            double score = src[0].weight * s;
            if (Double.isNaN(score)) {
                score = 0;
            }
            for (int k = 1; k < src.length; k++) {
                double v = src[k].score(member);
                if (Double.isNaN(v)) {
                    return true; // not in every input
                }
                score = aggregate(score, v * src[k].weight, aggregate);
            }
            if (cardinalityOnly) {
                cardinality[0]++;
                return limit == 0 || cardinality[0] < limit;
            }
            dst.insert(member, score, UNLIMITED);
            return true;
        });
    }

    private static void union(Source[] src, Aggregate aggregate, ZSetValue dst) {
        Map<ByteString, double[]> acc = new LinkedHashMap<>();
        for (Source s : src) {
            if (s.length() == 0) {
                continue;
            }
            s.forEachWhile((member, sc) -> {
                double score = s.weight * sc;
                if (Double.isNaN(score)) {
                    score = 0;
                }
                ByteString k = new ByteString(member);
                double[] cur = acc.get(k);
                if (cur == null) {
                    acc.put(k, new double[] {score});
                } else {
                    cur[0] = aggregate(cur[0], score, aggregate);
                }
                return true;
            });
        }
        for (Map.Entry<ByteString, double[]> e : acc.entrySet()) {
            dst.insert(e.getKey().bytes, e.getValue()[0], UNLIMITED);
        }
    }

    /** Members of the first input that no other input has, with their first-input scores. */
    private static void diff(Source[] src, ZSetValue dst) {
        if (src[0].length() == 0) {
            return;
        }
        src[0].forEachWhile((member, s) -> {
            for (int k = 1; k < src.length; k++) {
                if (!Double.isNaN(src[k].score(member))) {
                    return true;
                }
            }
            dst.insert(member, s, UNLIMITED);
            return true;
        });
    }
}
