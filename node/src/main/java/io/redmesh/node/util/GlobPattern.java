package io.redmesh.node.util;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A glob pattern compiled once and matched many times, with exactly the results of Redis 7.0.15's
 * {@code stringmatchlen} (Debian's build, with the CVE-2022-36021 and CVE-2024-31228 fixes) but
 * without its recursion and with a bounded cost:
 *
 * <ul>
 *   <li><b>Compile</b> is one pass over the pattern: O(pattern length) time and memory. A
 *       character class ({@code [...]}) becomes a 256-bit set, so matching never re-reads a class
 *       (Redis re-scans it for every string position a {@code *} tries: {@code *[zzz...]} costs
 *       O(class × key) there).</li>
 *   <li><b>Match</b> splits the pattern at its stars into fixed-length segments: the first is
 *       anchored at the start, the last at the end, and each one between is taken at its leftmost
 *       occurrence. That is the whole search (a glob never needs to back up: a later occurrence of
 *       a segment only leaves less room for the rest), so a key of n bytes costs at most
 *       O(n × m) comparisons for a pattern of m tokens, whatever its shape, and no stack.</li>
 * </ul>
 *
 * Redis's quirks are kept because clients see them: an empty string matches only the empty
 * pattern ({@code *} does not match it); bytes compare as C's signed {@code char} in ranges
 * ({@code [a-\xff]} is the range from -1 to 'a'); case folding ({@code nocase}) is ASCII only and
 * does not apply to an escaped byte inside a class; an unterminated class runs to the end; a
 * trailing lone backslash is a literal. And the nesting limit of CVE-2024-31228: Redis gives up
 * (no match) when its recursion passes 1000 levels, one per group of stars, so a pattern whose
 * 1001st group of stars is followed by anything never matches.
 */
public final class GlobPattern {
    /** Redis's recursion limit ({@code nesting > 1000} in stringmatchlen_impl). */
    static final int MAX_NESTING = 1000;
    private static final int STAR = -1;
    private static final int ANY = -2;
    /** Token values from CLASS_BASE up are classes: index (token - CLASS_BASE) into {@link #classes}. */
    private static final int CLASS_BASE = 256;
    /** How often (in compared bytes) a long match looks whether its thread was asked to stop. */
    private static final int INTERRUPT_CHECK_MASK = (1 << 16) - 1;

    private final int[] tokens;
    /** Four 64-bit words per class; bit (b + 128) is set when the class accepts signed byte b. */
    private final long[] classes;
    private final boolean nocase;
    private final boolean neverMatches;
    /** Token index ranges [segStart[k], segEnd[k]) of the star-free runs, in order. */
    private final int[] segStart;
    private final int[] segEnd;
    private final boolean hasStar;
    private final boolean leadingStar;
    private final boolean trailingStar;

    private GlobPattern(int[] tokens, long[] classes, boolean nocase) {
        this.tokens = tokens;
        this.classes = classes;
        this.nocase = nocase;
        List<int[]> segments = new ArrayList<>();
        int groups = 0;
        int start = 0;
        boolean never = false;
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == STAR) {
                groups++;
                if (groups == MAX_NESTING + 1 && i != tokens.length - 1) {
                    never = true;
                }
                if (i > start) {
                    segments.add(new int[] {start, i});
                }
                start = i + 1;
            }
        }
        if (start < tokens.length) {
            segments.add(new int[] {start, tokens.length});
        }
        this.neverMatches = never;
        this.hasStar = groups > 0;
        this.leadingStar = tokens.length > 0 && tokens[0] == STAR;
        this.trailingStar = tokens.length > 0 && tokens[tokens.length - 1] == STAR;
        this.segStart = new int[segments.size()];
        this.segEnd = new int[segments.size()];
        for (int k = 0; k < segments.size(); k++) {
            segStart[k] = segments.get(k)[0];
            segEnd[k] = segments.get(k)[1];
        }
    }

    public static GlobPattern compile(byte[] pattern) {
        return compile(pattern, false);
    }

    public static GlobPattern compileIgnoreCase(byte[] pattern) {
        return compile(pattern, true);
    }

    /** Parses the pattern as stringmatchlen walks it; O(pattern length). */
    public static GlobPattern compile(byte[] p, boolean nocase) {
        int m = p.length;
        int[] tokens = new int[m];
        int count = 0;
        ClassTable classes = new ClassTable();
        int i = 0;
        while (i < m) {
            switch (p[i]) {
                case '*':
                    while (i + 1 < m && p[i + 1] == '*') {
                        i++;
                    }
                    tokens[count++] = STAR;
                    break;
                case '?':
                    tokens[count++] = ANY;
                    break;
                case '[': {
                    long[] set = new long[4];
                    i++;
                    boolean not = i < m && p[i] == '^';
                    if (not) {
                        i++;
                    }
                    while (true) {
                        if (i < m && p[i] == '\\' && m - i >= 2) {
                            i++;
                            add(set, p[i]); // escaped: compared as is, even with nocase
                        } else if (i >= m) {
                            i--; // unterminated: the class ends with the pattern
                            break;
                        } else if (p[i] == ']') {
                            break;
                        } else if (m - i >= 3 && p[i + 1] == '-') {
                            addRange(set, p[i], p[i + 2], nocase);
                            i += 2;
                        } else {
                            add(set, p[i]);
                            if (nocase) {
                                add(set, (byte) lower(p[i]));
                                add(set, (byte) upper(p[i]));
                            }
                        }
                        i++;
                    }
                    if (not) {
                        for (int w = 0; w < 4; w++) {
                            set[w] = ~set[w];
                        }
                    }
                    tokens[count++] = CLASS_BASE + classes.intern(set);
                    break;
                }
                case '\\':
                    if (m - i >= 2) {
                        i++;
                    }
                    tokens[count++] = nocase ? lower(p[i]) : p[i] & 0xff;
                    break;
                default:
                    tokens[count++] = nocase ? lower(p[i]) : p[i] & 0xff;
                    break;
            }
            i++;
        }
        return new GlobPattern(Arrays.copyOf(tokens, count), classes.toArray(), nocase);
    }

    /** Whether {@code s} matches; see the class comment for the cost. */
    public boolean matches(byte[] s) {
        int n = s.length;
        if (n == 0) {
            return tokens.length == 0;
        }
        if (neverMatches) {
            return false;
        }
        if (!hasStar) {
            return n == tokens.length && matchesAt(0, s, 0);
        }
        int lo = 0;
        int hi = n;
        int first = 0;
        int last = segStart.length - 1;
        if (!leadingStar) {
            int len = segEnd[0] - segStart[0];
            if (len > n || !matchesAt(0, s, 0)) {
                return false;
            }
            lo = len;
            first = 1;
        }
        if (!trailingStar) {
            int len = segEnd[last] - segStart[last];
            if (hi - lo < len || !matchesAt(last, s, n - len)) {
                return false;
            }
            hi = n - len;
            last--;
        }
        long work = 0;
        for (int k = first; k <= last; k++) {
            int len = segEnd[k] - segStart[k];
            int found = -1;
            for (int pos = lo; pos + len <= hi; pos++) {
                if (matchesAt(k, s, pos)) {
                    found = pos;
                    break;
                }
                work += len;
                if ((work & ~INTERRUPT_CHECK_MASK) != 0) {
                    work = 0;
                    // A long match stops when the watchdog interrupts its thread (SHUTDOWN).
                    CommandInterruptedException.check();
                }
            }
            if (found < 0) {
                return false;
            }
            lo = found + len;
        }
        return true;
    }

    /** Whether segment k matches s at pos (the caller checked that it fits). */
    private boolean matchesAt(int k, byte[] s, int pos) {
        int from = hasStar ? segStart[k] : 0;
        int to = hasStar ? segEnd[k] : tokens.length;
        for (int t = from; t < to; t++) {
            if (!accepts(tokens[t], s[pos + t - from])) {
                return false;
            }
        }
        return true;
    }

    private boolean accepts(int token, byte b) {
        if (token >= CLASS_BASE) {
            int bit = b + 128;
            return (classes[(token - CLASS_BASE) * 4 + (bit >>> 6)] & (1L << bit)) != 0;
        }
        if (token == ANY) {
            return true;
        }
        return (nocase ? lower(b) : b & 0xff) == token;
    }

    /** C's tolower() on a signed char in the C locale: only 'A'..'Z' change. */
    private static int lower(byte b) {
        int c = b & 0xff;
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static int upper(byte b) {
        int c = b & 0xff;
        return c >= 'a' && c <= 'z' ? c - 32 : c;
    }

    private static void add(long[] set, byte b) {
        int bit = b + 128;
        set[bit >>> 6] |= 1L << bit;
    }

    /**
     * A range element: as in Redis, start and end are signed chars, swapped when reversed, and
     * lower-cased (after the swap) under nocase; a byte is in it when its (lower-cased) signed
     * value lies between them.
     */
    private static void addRange(long[] set, byte from, byte to, boolean nocase) {
        int start = from;
        int end = to;
        if (start > end) {
            int t = start;
            start = end;
            end = t;
        }
        if (nocase) {
            start = signedLower(start);
            end = signedLower(end);
        }
        long[] range = new long[4];
        if (start <= end) {
            setBits(range, start + 128, end + 128);
        }
        if (nocase) {
            // An upper-case byte is compared as its lower case: in when that is in the range.
            for (int v = 'A'; v <= 'Z'; v++) {
                int bit = v + 128;
                if (v + 32 >= start && v + 32 <= end) {
                    range[bit >>> 6] |= 1L << bit;
                } else {
                    range[bit >>> 6] &= ~(1L << bit);
                }
            }
        }
        for (int w = 0; w < 4; w++) {
            set[w] |= range[w];
        }
    }

    /** Sets bits lo..hi (inclusive) of a 256-bit set, a word at a time. */
    private static void setBits(long[] set, int lo, int hi) {
        for (int w = lo >>> 6; w <= hi >>> 6; w++) {
            int a = Math.max(lo, w << 6) & 63;
            int b = Math.min(hi, (w << 6) + 63) & 63;
            long mask = (b == 63 ? -1L : (1L << (b + 1)) - 1) & (-1L << a);
            set[w] |= mask;
        }
    }

    private static int signedLower(int v) {
        return v >= 'A' && v <= 'Z' ? v + 32 : v;
    }

    /**
     * Classes of one pattern, identical ones stored once (a pattern may repeat a class often):
     * four words per class in one array, found again through an open-addressing table of
     * indexes hashed over all 256 bits. About 40 bytes per distinct class, which takes at least
     * four pattern bytes: compiling costs a small constant times the pattern's length, in time
     * and memory, however many distinct classes it holds.
     */
    private static final class ClassTable {
        private long[] words = new long[64];
        private int count;
        /** Class index + 1 per slot, 0 when empty; kept at most half full. */
        private int[] slots = new int[64];

        int intern(long[] set) {
            int mask = slots.length - 1;
            for (int i = hash(set, 0) & mask; ; i = (i + 1) & mask) {
                int slot = slots[i];
                if (slot == 0) {
                    if ((count + 1) * 4 > words.length) {
                        words = Arrays.copyOf(words, words.length * 2);
                    }
                    System.arraycopy(set, 0, words, count * 4, 4);
                    slots[i] = ++count;
                    if (count * 2 > slots.length) {
                        rehash();
                    }
                    return count - 1;
                }
                if (Arrays.equals(words, (slot - 1) * 4, slot * 4, set, 0, 4)) {
                    return slot - 1;
                }
            }
        }

        private void rehash() {
            int[] bigger = new int[slots.length * 2];
            int mask = bigger.length - 1;
            for (int c = 0; c < count; c++) {
                int i = hash(words, c * 4) & mask;
                while (bigger[i] != 0) {
                    i = (i + 1) & mask;
                }
                bigger[i] = c + 1;
            }
            slots = bigger;
        }

        /** A hash of the four words at {@code from}, every bit of them mixed in. */
        private static int hash(long[] w, int from) {
            long h = 0;
            for (int k = 0; k < 4; k++) {
                h = (h + w[from + k]) * 0x9E3779B97F4A7C15L;
                h ^= h >>> 29;
            }
            return (int) (h ^ (h >>> 32));
        }

        long[] toArray() {
            return Arrays.copyOf(words, count * 4);
        }
    }
}
