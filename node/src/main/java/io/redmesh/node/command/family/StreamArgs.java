package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;

/**
 * Parsing of stream arguments as t_stream.c does it: IDs (streamGenericParseIDOrReply, with
 * string2ull's acceptance of what strtoull takes), interval bounds with '(' and the
 * MAXLEN/MINID/LIMIT/NOMKSTREAM options of XADD and XTRIM.
 */
final class StreamArgs {
    private StreamArgs() {}

    static final RedisException INVALID_ID = RedisException.err("Invalid stream ID specified as stream command argument");

    /** What streamParseAddOrTrimArgsOrReply found. */
    static final class TrimArgs {
        boolean byMaxlen;
        boolean byMinid;
        long maxlen;
        StreamId minid;
        boolean approx;
        long limit;
        boolean noMkstream;
        /** Index of the MAXLEN/MINID value (propagation rewrites it), 0 when none. */
        int valueIdx;
        StreamId id;
        boolean idGiven;
        boolean seqGiven = true;
        /** XADD: where the ID argument is. */
        int idIdx;

        boolean trims() {
            return byMaxlen || byMinid;
        }
    }

    /** Result holder for an ID whose sequence may be "*" (XADD's ms-*). */
    static final class ParsedId {
        StreamId id;
        boolean seqGiven = true;
    }

    /**
     * streamGenericParseIDOrReply. {@code strict} refuses "-" and "+"; {@code allowSeqStar}
     * accepts "ms-*" (XADD) and reports it in {@code out.seqGiven}.
     */
    static StreamId parseId(byte[] arg, long missingSeq, boolean strict, ParsedId out) {
        if (arg.length > 127) {
            throw INVALID_ID;
        }
        int len = arg.length;
        for (int i = 0; i < len; i++) {
            if (arg[i] == 0) { // C string: ends at the first NUL
                len = i;
                break;
            }
        }
        if (len == 1 && (arg[0] == '-' || arg[0] == '+')) {
            if (strict) {
                throw INVALID_ID;
            }
            return arg[0] == '-' ? StreamId.MIN : StreamId.MAX;
        }
        int dash = -1;
        for (int i = 0; i < len; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        long ms = string2ull(arg, 0, dash < 0 ? len : dash);
        long seq;
        if (dash >= 0) {
            if (out != null && len - dash - 1 == 1 && arg[dash + 1] == '*') {
                seq = 0;
                out.seqGiven = false;
            } else {
                seq = string2ull(arg, dash + 1, len);
            }
        } else {
            seq = missingSeq;
        }
        StreamId id = new StreamId(ms, seq);
        if (out != null) {
            out.id = id;
        }
        return id;
    }

    static StreamId strictId(byte[] arg) {
        return parseId(arg, 0, true, null);
    }

    /** string2ull: string2ll's strict form, else what strtoull accepts in full; INVALID_ID otherwise. */
    private static long string2ull(byte[] s, int from, int to) {
        byte[] part = java.util.Arrays.copyOfRange(s, from, to);
        Long ll = Bytes.parseLongOrNull(part);
        if (ll != null && isStrictLong(part)) {
            if (ll < 0) {
                throw INVALID_ID;
            }
            return ll;
        }
        int p = 0;
        int n = part.length;
        while (p < n && (part[p] == ' ' || (part[p] >= 9 && part[p] <= 13))) {
            p++;
        }
        boolean neg = false;
        if (p < n && (part[p] == '+' || part[p] == '-')) {
            neg = part[p] == '-';
            p++;
        }
        if (p == n) {
            throw INVALID_ID;
        }
        long v = 0;
        for (; p < n; p++) {
            int d = part[p] - '0';
            if (d < 0 || d > 9) {
                throw INVALID_ID;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw INVALID_ID; // ERANGE
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw INVALID_ID;
            }
            v = next;
        }
        return neg ? -v : v;
    }

    /** string2ll's form: no spaces, no '+', no leading zeros. */
    private static boolean isStrictLong(byte[] s) {
        if (s.length == 0 || s.length > 20) {
            return false;
        }
        int p = s[0] == '-' ? 1 : 0;
        if (p == s.length) {
            return false;
        }
        if (s[p] == '0') {
            return s.length == 1;
        }
        for (int i = p; i < s.length; i++) {
            if (s[i] < '0' || s[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * streamParseIntervalIDOrReply plus the increment/decrement of an exclusive bound: the
     * inclusive start (or end) ID of an interval.
     */
    static StreamId intervalStart(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = parseId(java.util.Arrays.copyOfRange(arg, 1, arg.length), 0, true, null).next();
            if (id == null) {
                throw RedisException.err("invalid start ID for the interval");
            }
            return id;
        }
        return parseId(arg, 0, false, null);
    }

    static StreamId intervalEnd(byte[] arg) {
        if (arg.length > 1 && arg[0] == '(') {
            StreamId id = parseId(java.util.Arrays.copyOfRange(arg, 1, arg.length), -1L, true, null).previous();
            if (id == null) {
                throw RedisException.err("invalid end ID for the interval");
            }
            return id;
        }
        return parseId(arg, -1L, false, null);
    }

    /** mustObeyClient(): the master's stream or the AOF being loaded. */
    static boolean mustObey(CommandContext c) {
        return c.session.isMaster() || c.session.id == Long.MAX_VALUE;
    }

    /** streamParseAddOrTrimArgsOrReply; for XADD, stops at the ID (idIdx). */
    static TrimArgs parseTrim(CommandContext c, boolean xadd) {
        TrimArgs a = new TrimArgs();
        boolean limitGiven = false;
        int i = 2;
        for (; i < c.argc(); i++) {
            int more = c.argc() - 1 - i;
            byte[] opt = c.arg(i);
            if (xadd && opt.length == 1 && opt[0] == '*') {
                break;
            } else if ((c.argIs(i, "maxlen") || c.argIs(i, "minid")) && more > 0) {
                boolean maxlen = c.argIs(i, "maxlen");
                if (a.trims()) {
                    throw RedisException.err("syntax error, MAXLEN and MINID options at the same time are not compatible");
                }
                a.approx = false;
                byte[] next = c.arg(i + 1);
                if (more >= 2 && next.length == 1 && next[0] == '~') {
                    a.approx = true;
                    i++;
                } else if (more >= 2 && next.length == 1 && next[0] == '=') {
                    i++;
                }
                if (maxlen) {
                    a.maxlen = c.argLong(i + 1);
                    if (a.maxlen < 0) {
                        throw RedisException.err("The MAXLEN argument must be >= 0.");
                    }
                    a.byMaxlen = true;
                } else {
                    a.minid = strictId(c.arg(i + 1));
                    a.byMinid = true;
                }
                i++;
                a.valueIdx = i;
            } else if (c.argIs(i, "limit") && more > 0) {
                a.limit = c.argLong(i + 1);
                if (a.limit < 0) {
                    throw RedisException.err("The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && c.argIs(i, "nomkstream")) {
                a.noMkstream = true;
            } else if (xadd) {
                ParsedId p = new ParsedId();
                parseId(opt, 0, true, p);
                a.id = p.id;
                a.seqGiven = p.seqGiven;
                a.idGiven = true;
                break;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        a.idIdx = i;
        if (a.limit != 0 && !a.trims()) {
            throw RedisException.err("syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && !a.trims()) {
            throw RedisException.err("syntax error, XTRIM must be called with a trimming strategy");
        }
        if (mustObey(c)) {
            a.limit = 0; // the master rewrote the trim to be exact
        } else if (limitGiven) {
            if (!a.approx) {
                throw RedisException.err("syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (a.approx) {
            long nodeEntries = c.server.config.getLong("stream-node-max-entries");
            a.limit = 100 * nodeEntries;
            if (a.limit <= 0 || a.limit > 10000) {
                a.limit = 10000;
            }
        } else {
            a.limit = 0;
        }
        return a;
    }

    /**
     * After an approximate trim, what replicas get: "=" and the stream's resulting length (or
     * first ID), so that replaying is deterministic (streamRewriteApproxSpecifier and
     * streamRewriteTrimArgument).
     */
    static byte[][] exactTrimArgv(byte[][] argv, TrimArgs a, StreamValue s) {
        byte[][] out = argv.clone();
        out[a.valueIdx - 1] = Bytes.of("=");
        if (a.byMaxlen) {
            out[a.valueIdx] = Bytes.fromLong(s.length);
        } else {
            StreamId first = s.edge(true, true);
            out[a.valueIdx] = (first == null ? StreamId.MAX : first).bytes();
        }
        return out;
    }

    /** A COUNT-like argument as getLongLongFromObjectOrReply reads it. */
    static long longArg(CommandContext c, int i) {
        return c.argLong(i);
    }
}
