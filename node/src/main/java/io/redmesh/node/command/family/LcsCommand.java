package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence
 * of two strings, its length, or its matching ranges, computed with Redis 7.0's dynamic
 * programming table and walk (so the ranges come in Redis's order). Part of the string family
 * (bound by {@link StringCommands}), in its own file for size.
 */
final class LcsCommand {
    private LcsCommand() {}

    /** Redis 7.0's lcsCommand(). */
    static void lcs(CommandContext c) {
        boolean getLen = false;
        boolean getIdx = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            if (c.argIs(j, "IDX")) {
                getIdx = true;
            } else if (c.argIs(j, "LEN")) {
                getLen = true;
            } else if (c.argIs(j, "WITHMATCHLEN")) {
                withMatchLen = true;
            } else if (c.argIs(j, "MINMATCHLEN") && more) {
                minMatchLen = c.argLong(j + 1);
                if (minMatchLen < 0) {
                    minMatchLen = 0;
                }
                j++;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        Object oa = c.db().lookup(c.arg(1));
        Object ob = c.db().lookup(c.arg(2));
        if ((oa != null && !(oa instanceof byte[])) || (ob != null && !(ob instanceof byte[]))) {
            throw RedisException.err("The specified keys must contain string values");
        }
        byte[] a = oa == null ? Bytes.EMPTY : (byte[]) oa;
        byte[] b = ob == null ? Bytes.EMPTY : (byte[]) ob;
        if (getIdx && getLen) {
            throw RedisException.err("If you want both the length and indexes, please just use IDX.");
        }
        long cells = ((long) a.length + 1) * ((long) b.length + 1);
        if (cells * 4 > c.server.config.getLong("proto-max-bulk-len") || cells > Integer.MAX_VALUE) {
            throw RedisException.err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int alen = a.length;
        int blen = b.length;
        int[] dp = new int[(alen + 1) * (blen + 1)];
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    dp[i * w + j] = dp[(i - 1) * w + (j - 1)] + 1;
                } else {
                    dp[i * w + j] = Math.max(dp[(i - 1) * w + j], dp[i * w + (j - 1)]);
                }
            }
        }
        int idx = dp[alen * w + blen];
        byte[] result = new byte[idx];
        List<long[]> matches = new ArrayList<>();
        int i = alen;
        int j = blen;
        long arangeStart = alen;
        long arangeEnd = 0;
        long brangeStart = 0;
        long brangeEnd = 0;
        boolean computeLcs = !getLen && !getIdx;
        int ri = idx;
        while (i > 0 && j > 0) {
            boolean emitRange = false;
            if (a[i - 1] == b[j - 1]) {
                if (computeLcs) {
                    result[--ri] = a[i - 1];
                }
                if (arangeStart == alen) {
                    arangeStart = i - 1;
                    arangeEnd = i - 1;
                    brangeStart = j - 1;
                    brangeEnd = j - 1;
                } else if (arangeStart == i && brangeStart == j) {
                    arangeStart--;
                    brangeStart--;
                } else {
                    emitRange = true;
                }
                if (arangeStart == 0 || brangeStart == 0) {
                    emitRange = true;
                }
                i--;
                j--;
            } else {
                int lcs1 = dp[(i - 1) * w + j];
                int lcs2 = dp[i * w + (j - 1)];
                if (lcs1 > lcs2) {
                    i--;
                } else {
                    j--;
                }
                if (arangeStart != alen) {
                    emitRange = true;
                }
            }
            if (emitRange) {
                long matchLen = arangeEnd - arangeStart + 1;
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    matches.add(new long[] {arangeStart, arangeEnd, brangeStart, brangeEnd, matchLen});
                }
                arangeStart = alen; // restart at the next match
            }
        }
        if (getIdx) {
            c.reply.map(2);
            c.reply.bulk("matches");
            c.reply.array(matches.size());
            for (long[] m : matches) {
                c.reply.array(withMatchLen ? 3 : 2);
                c.reply.array(2);
                c.reply.integer(m[0]);
                c.reply.integer(m[1]);
                c.reply.array(2);
                c.reply.integer(m[2]);
                c.reply.integer(m[3]);
                if (withMatchLen) {
                    c.reply.integer(m[4]);
                }
            }
            c.reply.bulk("len");
            c.reply.integer(idx);
        } else if (getLen) {
            c.reply.integer(idx);
        } else {
            c.reply.bulk(result);
        }
    }
}
