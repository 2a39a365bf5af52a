package io.redmesh.node.db;

import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Strtod;

/**
 * A range of a sorted set, by score (Redis's zrangespec) or by member (zlexrangespec), with the
 * parsers Redis applies to the min and max arguments of ZRANGEBYSCORE, ZCOUNT, ZRANGEBYLEX and
 * friends. Ranges are predicates on (member, score) so the sorted-set code walks both kinds the
 * same way.
 */
public interface ZRangeSpec {
    /** Whether an element is at or above the minimum (strictly above when the minimum is open). */
    boolean gteMin(byte[] member, double score);

    /** Whether an element is at or below the maximum (strictly below when the maximum is open). */
    boolean lteMax(byte[] member, double score);

    /** True for ranges no element can be in: min above max, or min == max with an open end. */
    boolean alwaysEmpty();

    /** A score interval; {@code minex}/{@code maxex} mark open ends ("(1.5"). */
    record Score(double min, double max, boolean minex, boolean maxex) implements ZRangeSpec {
        @Override
        public boolean gteMin(byte[] member, double score) {
            return minex ? score > min : score >= min;
        }

        @Override
        public boolean lteMax(byte[] member, double score) {
            return maxex ? score < max : score <= max;
        }

        @Override
        public boolean alwaysEmpty() {
            return min > max || (min == max && (minex || maxex));
        }

        /**
         * zslParseRange(): each bound is an optional '(' then what C's strtod accepts up to the
         * string's end (or an embedded NUL, where C stops reading). Unlike scores given to ZADD,
         * bounds may have leading spaces, may be empty (0) and may overflow to infinity; NaN is
         * refused. Returns null when either bound is malformed.
         */
        public static Score parse(byte[] min, byte[] max) {
            double[] lo = bound(min);
            double[] hi = bound(max);
            if (lo == null || hi == null) {
                return null;
            }
            return new Score(lo[0], hi[0], lo[1] != 0, hi[1] != 0);
        }

        /** {value, exclusive ? 1 : 0} or null. */
        private static double[] bound(byte[] b) {
            int from = 0;
            boolean exclusive = false;
            if (b.length > 0 && b[0] == '(') {
                exclusive = true;
                from = 1;
            }
            int to = from;
            while (to < b.length && b[to] != 0) {
                to++;
            }
            Strtod.Result r = Strtod.parse(b, from, to);
            if (r.end != to || Double.isNaN(r.value)) {
                return null;
            }
            return new double[] {r.value, exclusive ? 1 : 0};
        }
    }

    /**
     * A member interval for ZRANGEBYLEX and friends: "[a" inclusive, "(a" exclusive, "-" and "+"
     * the infinitely small and large strings. Comparison is byte-wise unsigned, as memcmp.
     */
    record Lex(byte[] min, byte[] max, boolean minex, boolean maxex) implements ZRangeSpec {
        /** The "-" and "+" bounds, recognised by identity (Redis's shared.minstring/maxstring). */
        static final byte[] MIN_STRING = new byte[0];
        static final byte[] MAX_STRING = new byte[0];

        /** sdscmplex(): compares members and the two infinite sentinels. */
        static int compare(byte[] a, byte[] b) {
            if (a == b) {
                return 0;
            }
            if (a == MIN_STRING || b == MAX_STRING) {
                return -1;
            }
            if (a == MAX_STRING || b == MIN_STRING) {
                return 1;
            }
            return Bytes.compare(a, b);
        }

        @Override
        public boolean gteMin(byte[] member, double score) {
            int c = compare(member, min);
            return minex ? c > 0 : c >= 0;
        }

        @Override
        public boolean lteMax(byte[] member, double score) {
            int c = compare(member, max);
            return maxex ? c < 0 : c <= 0;
        }

        @Override
        public boolean alwaysEmpty() {
            int c = compare(min, max);
            return c > 0 || (c == 0 && (minex || maxex));
        }

        /** zslParseLexRange(): returns null when either item is malformed. */
        public static Lex parse(byte[] min, byte[] max) {
            Object[] lo = item(min);
            Object[] hi = item(max);
            if (lo == null || hi == null) {
                return null;
            }
            return new Lex((byte[]) lo[0], (byte[]) hi[0], (Boolean) lo[1], (Boolean) hi[1]);
        }

        /** {bytes, exclusive} or null. "+" and "-" must stand alone (up to a C string's NUL). */
        private static Object[] item(byte[] b) {
            if (b.length == 0) {
                return null;
            }
            switch (b[0]) {
                case '+':
                    return b.length == 1 || b[1] == 0 ? new Object[] {MAX_STRING, true} : null;
                case '-':
                    return b.length == 1 || b[1] == 0 ? new Object[] {MIN_STRING, true} : null;
                case '(':
                    return new Object[] {java.util.Arrays.copyOfRange(b, 1, b.length), true};
                case '[':
                    return new Object[] {java.util.Arrays.copyOfRange(b, 1, b.length), false};
                default:
                    return null;
            }
        }
    }
}
