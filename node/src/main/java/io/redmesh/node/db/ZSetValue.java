package io.redmesh.node.db;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A sorted set value, in one of Redis's two encodings:
 * <ul>
 *   <li>"listpack" (small sets): members and scores in two parallel arrays sorted by (score,
 *       member); lookups are linear, as in Redis's listpack, which is fine below the
 *       zset-max-listpack-entries threshold (128 by default) and costs little memory;</li>
 *   <li>"skiplist": an indexable {@link ZSkipList} for order and rank, plus a {@link Dict}
 *       member -> node for O(1) score lookups, random members and ZSCAN cursors.</li>
 * </ul>
 * The set converts to "skiplist" when an insertion would pass zset-max-listpack-entries or
 * add a member longer than zset-max-listpack-value, and never converts back (except for a
 * freshly built result, see {@link #convertToListpackIfFits}), as in Redis.
 *
 * <p>Ranks are 0-based here. Scores are never NaN. A compact set stores -0 as 0, because
 * Redis's listpack keeps scores as printed strings and prints -0 as "0"; the skiplist keeps
 * -0, as Redis's does.
 */
public final class ZSetValue implements Sized {
    /** Receives one element of a walk. */
    @FunctionalInterface
    public interface EntryVisitor {
        void accept(byte[] member, double score);
    }

    /** Decides, element by element, whether a walk goes on. */
    @FunctionalInterface
    public interface EntryCondition {
        boolean test(byte[] member, double score);
    }

    /** The compact-encoding thresholds (zset-max-listpack-entries / zset-max-listpack-value). */
    public record Limits(long entries, long value) {}

    private static final long OBJECT_BYTES = 40;
    private static final long NODE_BYTES = 40;
    private static final long HEADER_NODE_BYTES = NODE_BYTES + 2 * MemoryEstimator.align(16 + 4L * ZSkipList.MAX_LEVEL);

    // "listpack" form; null arrays when in "skiplist" form.
    private byte[][] lpMembers;
    private double[] lpScores;
    private int lpSize;
    // "skiplist" form.
    private ZSkipList zsl;
    private Dict dict;
    /** Bytes of the elements (member arrays, skiplist nodes), maintained incrementally. */
    private long elementBytes;

    /** An empty set in the compact encoding. */
    public ZSetValue() {
        lpMembers = new byte[4][];
        lpScores = new double[4];
    }

    /** An empty set already in the "skiplist" encoding (to build a result, see Redis's zunionstore). */
    public static ZSetValue newSkiplist() {
        ZSetValue z = new ZSetValue();
        z.lpMembers = null;
        z.lpScores = null;
        z.zsl = new ZSkipList();
        z.dict = new Dict();
        return z;
    }

    public boolean isListpack() {
        return lpMembers != null;
    }

    // ------------------------------------------------------------------ Sized

    @Override
    public int length() {
        return isListpack() ? lpSize : zsl.length;
    }

    @Override
    public long bytes() {
        if (isListpack()) {
            return OBJECT_BYTES + MemoryEstimator.align(16 + 4L * lpMembers.length)
                    + MemoryEstimator.align(16 + 8L * lpScores.length) + elementBytes;
        }
        return OBJECT_BYTES + 32 + HEADER_NODE_BYTES + dict.overheadBytes() + elementBytes;
    }

    @Override
    public String encoding() {
        return isListpack() ? "listpack" : "skiplist";
    }

    @Override
    public String typeName() {
        return "zset";
    }

    @Override
    public ZSetValue copy() {
        if (isListpack()) {
            ZSetValue z = new ZSetValue();
            // Members are never mutated in place, so the copies may share them.
            z.lpMembers = Arrays.copyOf(lpMembers, lpMembers.length);
            z.lpScores = Arrays.copyOf(lpScores, lpScores.length);
            z.lpSize = lpSize;
            z.elementBytes = elementBytes;
            return z;
        }
        ZSetValue z = newSkiplist();
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next[0]) {
            z.skiplistInsert(n.member, n.score);
        }
        return z;
    }

    private static long nodeBytes(ZSkipList.Node n) {
        return NODE_BYTES + 2 * MemoryEstimator.align(16 + 4L * n.level()) + MemoryEstimator.byteArray(n.member.length);
    }

    // ------------------------------------------------------------------ lookups

    /** The member's score, or NaN when it is not in the set. */
    public double scoreOrNaN(byte[] member) {
        if (isListpack()) {
            int i = lpIndexOf(member);
            return i < 0 ? Double.NaN : lpScores[i];
        }
        Object n = dict.get(member);
        return n == null ? Double.NaN : ((ZSkipList.Node) n).score;
    }

    public boolean contains(byte[] member) {
        return isListpack() ? lpIndexOf(member) >= 0 : dict.contains(member);
    }

    /** The member's 0-based rank (from the highest score when {@code reverse}), -1 when absent. */
    public long rank(byte[] member, boolean reverse) {
        if (isListpack()) {
            int i = lpIndexOf(member);
            if (i < 0) {
                return -1;
            }
            return reverse ? lpSize - 1 - i : i;
        }
        Object o = dict.get(member);
        if (o == null) {
            return -1;
        }
        ZSkipList.Node n = (ZSkipList.Node) o;
        long r = zsl.rank(n.score, n.member);
        return reverse ? zsl.length - r : r - 1;
    }

    // ------------------------------------------------------------------ updates

    /**
     * Adds a member the caller knows is absent. Converts to "skiplist" first when the addition
     * would pass the thresholds, as Redis's zsetAdd() does.
     */
    public void insert(byte[] member, double score, Limits limits) {
        if (isListpack()) {
            if (lpSize + 1 > limits.entries() || member.length > limits.value()) {
                convertToSkiplist();
            } else {
                double s = score == 0 ? 0.0 : score; // -0 is stored as "0" in a listpack
                lpInsertAt(lpInsertPosition(s, member), member, s);
                return;
            }
        }
        skiplistInsert(member, score);
    }

    /** Changes the score of a member the caller knows is present. */
    public void updateScore(byte[] member, double score) {
        if (isListpack()) {
            int i = lpIndexOf(member);
            lpRemoveRange(i, i + 1);
            double s = score == 0 ? 0.0 : score;
            lpInsertAt(lpInsertPosition(s, member), member, s);
            return;
        }
        DictEntry e = dict.find(member);
        ZSkipList.Node old = (ZSkipList.Node) e.value;
        long before = nodeBytes(old);
        ZSkipList.Node n = zsl.updateScore(old, score);
        if (n != old) {
            e.value = n;
            elementBytes += nodeBytes(n) - before;
        }
    }

    /** Removes a member; returns whether it was present. */
    public boolean remove(byte[] member) {
        if (isListpack()) {
            int i = lpIndexOf(member);
            if (i < 0) {
                return false;
            }
            lpRemoveRange(i, i + 1);
            return true;
        }
        DictEntry e = dict.remove(member);
        if (e == null) {
            return false;
        }
        ZSkipList.Node n = (ZSkipList.Node) e.value;
        zsl.delete(n.score, n.member);
        elementBytes -= nodeBytes(n);
        return true;
    }

    /** Removes and visits the element with the lowest (or, with {@code max}, highest) score. */
    public void pop(boolean max, EntryVisitor v) {
        if (isListpack()) {
            int i = max ? lpSize - 1 : 0;
            v.accept(lpMembers[i], lpScores[i]);
            lpRemoveRange(i, i + 1);
            return;
        }
        ZSkipList.Node n = max ? zsl.tail : zsl.first();
        v.accept(n.member, n.score);
        remove(n.member);
    }

    /** Removes 0-based ranks start..end (inclusive, already clamped); returns how many. */
    public long removeRankRange(long start, long end) {
        if (isListpack()) {
            lpRemoveRange((int) start, (int) end + 1);
            return end - start + 1;
        }
        return zsl.deleteRangeByRank(start + 1, end + 1, this::forgetNode);
    }

    /** ZREMRANGEBYSCORE / ZREMRANGEBYLEX; returns the number of members removed. */
    public long removeRange(ZRangeSpec r) {
        if (isListpack()) {
            int first = lpFirstInRange(r);
            if (first < 0) {
                return 0;
            }
            int end = first;
            while (end < lpSize && r.lteMax(lpMembers[end], lpScores[end])) {
                end++;
            }
            lpRemoveRange(first, end);
            return end - first;
        }
        return zsl.deleteRange(r, this::forgetNode);
    }

    private void forgetNode(ZSkipList.Node n) {
        dict.remove(n.member);
        elementBytes -= nodeBytes(n);
    }

    // ------------------------------------------------------------------ walks

    /** Visits elements in ascending order while {@code c} returns true. */
    public void forEachWhile(EntryCondition c) {
        if (isListpack()) {
            for (int i = 0; i < lpSize; i++) {
                if (!c.test(lpMembers[i], lpScores[i])) {
                    return;
                }
            }
            return;
        }
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next[0]) {
            if (!c.test(n.member, n.score)) {
                return;
            }
        }
    }

    /** Visits every element in ascending order. */
    public void forEach(EntryVisitor v) {
        if (isListpack()) {
            for (int i = 0; i < lpSize; i++) {
                v.accept(lpMembers[i], lpScores[i]);
            }
            return;
        }
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next[0]) {
            v.accept(n.member, n.score);
        }
    }

    /**
     * Visits 0-based ranks start..end inclusive (0 <= start <= end < length), counted from the
     * highest score when {@code reverse}, in that order.
     */
    public void forRankRange(long start, long end, boolean reverse, EntryVisitor v) {
        long count = end - start + 1;
        if (isListpack()) {
            for (long k = 0; k < count; k++) {
                int i = (int) (reverse ? lpSize - 1 - start - k : start + k);
                v.accept(lpMembers[i], lpScores[i]);
            }
            return;
        }
        ZSkipList.Node n = zsl.byRank(reverse ? zsl.length - start : start + 1);
        for (long k = 0; k < count && n != null; k++) {
            v.accept(n.member, n.score);
            n = reverse ? n.backward : n.next[0];
        }
    }

    /** Visits the element at a 0-based rank. */
    public void visitRank(long rank, EntryVisitor v) {
        forRankRange(rank, rank, false, v);
    }

    /** Visits a uniformly chosen element (the set must not be empty). */
    public void visitRandom(EntryVisitor v) {
        visitRank(ThreadLocalRandom.current().nextInt(length()), v);
    }

    /**
     * Redis's score/lex range walk (genericZrangebyscoreCommand / genericZrangebylexCommand):
     * from the first element in range (the last, when {@code reverse}), skip {@code offset}
     * elements, then visit up to {@code limit} (negative: no limit) while they stay in range.
     * A negative offset skips everything, as Redis's loop does. Returns the number visited.
     */
    public long forRange(ZRangeSpec r, long offset, long limit, boolean reverse, EntryVisitor v) {
        if ((offset > 0 && offset >= length()) || offset < 0) {
            return 0;
        }
        long n = 0;
        if (isListpack()) {
            int step = reverse ? -1 : 1;
            int i = reverse ? lpLastInRange(r) : lpFirstInRange(r);
            if (i < 0) {
                return 0;
            }
            while (i >= 0 && i < lpSize && offset-- > 0) {
                i += step;
            }
            while (i >= 0 && i < lpSize && limit-- != 0) {
                boolean in = reverse ? r.gteMin(lpMembers[i], lpScores[i]) : r.lteMax(lpMembers[i], lpScores[i]);
                if (!in) {
                    break;
                }
                v.accept(lpMembers[i], lpScores[i]);
                n++;
                i += step;
            }
            return n;
        }
        ZSkipList.Node x = reverse ? zsl.lastInRange(r) : zsl.firstInRange(r);
        while (x != null && offset-- > 0) {
            x = reverse ? x.backward : x.next[0];
        }
        while (x != null && limit-- != 0) {
            boolean in = reverse ? r.gteMin(x.member, x.score) : r.lteMax(x.member, x.score);
            if (!in) {
                break;
            }
            v.accept(x.member, x.score);
            n++;
            x = reverse ? x.backward : x.next[0];
        }
        return n;
    }

    /** Visits the elements in range in ascending order while {@code c} returns true. */
    public void forRangeWhile(ZRangeSpec r, EntryCondition c) {
        if (isListpack()) {
            int i = lpFirstInRange(r);
            for (; i >= 0 && i < lpSize && r.lteMax(lpMembers[i], lpScores[i]); i++) {
                if (!c.test(lpMembers[i], lpScores[i])) {
                    return;
                }
            }
            return;
        }
        for (ZSkipList.Node x = zsl.firstInRange(r); x != null && r.lteMax(x.member, x.score); x = x.next[0]) {
            if (!c.test(x.member, x.score)) {
                return;
            }
        }
    }

    /** ZCOUNT / ZLEXCOUNT. */
    public long count(ZRangeSpec r) {
        if (isListpack()) {
            int i = lpFirstInRange(r);
            if (i < 0) {
                return 0;
            }
            int j = i;
            while (j < lpSize && r.lteMax(lpMembers[j], lpScores[j])) {
                j++;
            }
            return j - i;
        }
        ZSkipList.Node first = zsl.firstInRange(r);
        if (first == null) {
            return 0;
        }
        long count = zsl.length - (zsl.rank(first.score, first.member) - 1);
        ZSkipList.Node last = zsl.lastInRange(r);
        if (last != null) {
            count -= zsl.length - zsl.rank(last.score, last.member);
        }
        return count;
    }

    /**
     * One ZSCAN step over the "skiplist" form's dict (reverse-binary cursor); returns the next
     * cursor. The compact form has no cursor: callers return it whole with cursor 0.
     */
    public long scan(long cursor, EntryVisitor v) {
        return dict.scan(cursor, e -> {
            ZSkipList.Node n = (ZSkipList.Node) e.value;
            v.accept(n.member, n.score);
        });
    }

    // ------------------------------------------------------------------ encodings

    /**
     * zsetConvertToListpackIfNeeded(): a result built in the "skiplist" form (ZUNIONSTORE and
     * friends) takes the compact form when it is small enough.
     */
    public void convertToListpackIfFits(Limits limits) {
        if (isListpack() || zsl.length > limits.entries()) {
            return;
        }
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next[0]) {
            if (n.member.length > limits.value()) {
                return;
            }
        }
        int size = zsl.length;
        byte[][] members = new byte[Math.max(4, size)][];
        double[] scores = new double[members.length];
        long bytes = 0;
        int i = 0;
        for (ZSkipList.Node n = zsl.first(); n != null; n = n.next[0], i++) {
            members[i] = n.member;
            scores[i] = n.score == 0 ? 0.0 : n.score;
            bytes += MemoryEstimator.byteArray(n.member.length);
        }
        zsl = null;
        dict = null;
        lpMembers = members;
        lpScores = scores;
        lpSize = size;
        elementBytes = bytes;
    }

    /** Converts a listpack to a skiplist for good (SORT does, as Redis's zsetConvert()). */
    public void toSkiplist() {
        if (isListpack()) {
            convertToSkiplist();
        }
    }

    private void convertToSkiplist() {
        byte[][] members = lpMembers;
        double[] scores = lpScores;
        int size = lpSize;
        lpMembers = null;
        lpScores = null;
        lpSize = 0;
        elementBytes = 0;
        zsl = new ZSkipList();
        dict = new Dict();
        for (int i = 0; i < size; i++) {
            skiplistInsert(members[i], scores[i]);
        }
    }

    private void skiplistInsert(byte[] member, double score) {
        ZSkipList.Node n = zsl.insert(score, member);
        dict.addNew(member, n);
        elementBytes += nodeBytes(n);
    }

    // ------------------------------------------------------------------ listpack form

    private int lpIndexOf(byte[] member) {
        for (int i = 0; i < lpSize; i++) {
            if (Arrays.equals(lpMembers[i], member)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first element sorting after (score, member). */
    private int lpInsertPosition(double score, byte[] member) {
        int lo = 0;
        int hi = lpSize;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            double s = lpScores[mid];
            if (s < score || (s == score && io.redmesh.node.util.Bytes.compare(lpMembers[mid], member) < 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void lpInsertAt(int i, byte[] member, double score) {
        if (lpSize == lpMembers.length) {
            int cap = Math.max(4, lpSize + (lpSize >> 1));
            lpMembers = Arrays.copyOf(lpMembers, cap);
            lpScores = Arrays.copyOf(lpScores, cap);
        }
        System.arraycopy(lpMembers, i, lpMembers, i + 1, lpSize - i);
        System.arraycopy(lpScores, i, lpScores, i + 1, lpSize - i);
        lpMembers[i] = member;
        lpScores[i] = score;
        lpSize++;
        elementBytes += MemoryEstimator.byteArray(member.length);
    }

    /** Removes indexes [from, to). */
    private void lpRemoveRange(int from, int to) {
        for (int i = from; i < to; i++) {
            elementBytes -= MemoryEstimator.byteArray(lpMembers[i].length);
        }
        System.arraycopy(lpMembers, to, lpMembers, from, lpSize - to);
        System.arraycopy(lpScores, to, lpScores, from, lpSize - to);
        int newSize = lpSize - (to - from);
        Arrays.fill(lpMembers, newSize, lpSize, null);
        lpSize = newSize;
        if (lpMembers.length > 8 && newSize < lpMembers.length / 4) {
            int cap = Math.max(4, newSize * 2); // give memory back, with room against thrashing
            lpMembers = Arrays.copyOf(lpMembers, cap);
            lpScores = Arrays.copyOf(lpScores, cap);
        }
    }

    /** zzlIsInRange()/zzlIsInLexRange(). */
    private boolean lpIsInRange(ZRangeSpec r) {
        if (r.alwaysEmpty() || lpSize == 0) {
            return false;
        }
        int last = lpSize - 1;
        return r.gteMin(lpMembers[last], lpScores[last]) && r.lteMax(lpMembers[0], lpScores[0]);
    }

    /** zzlFirstInRange(): a linear walk from the head, as Redis's listpack code does. */
    private int lpFirstInRange(ZRangeSpec r) {
        if (!lpIsInRange(r)) {
            return -1;
        }
        for (int i = 0; i < lpSize; i++) {
            if (r.gteMin(lpMembers[i], lpScores[i])) {
                return r.lteMax(lpMembers[i], lpScores[i]) ? i : -1;
            }
        }
        return -1;
    }

    /** zzlLastInRange(): a linear walk from the tail. */
    private int lpLastInRange(ZRangeSpec r) {
        if (!lpIsInRange(r)) {
            return -1;
        }
        for (int i = lpSize - 1; i >= 0; i--) {
            if (r.lteMax(lpMembers[i], lpScores[i])) {
                return r.gteMin(lpMembers[i], lpScores[i]) ? i : -1;
            }
        }
        return -1;
    }
}
