package io.redmesh.node.db;

import io.redmesh.node.util.Bytes;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The indexable skiplist of Redis's t_zset.c (Pugh's skiplist with a span on every forward
 * link, so the rank of a node is the sum of the spans crossed to reach it, and a backward link
 * on level 0 for reverse walks). Elements are ordered by score, then by member bytes compared
 * unsigned; equal scores are allowed, equal (score, member) pairs are not.
 *
 * <p>Scores are compared with {@code <} and {@code ==}, never {@link Double#compare}: Redis
 * treats -0 and 0 as the same score. NaN is never stored. Ranks are 1-based here as in Redis;
 * {@link ZSetValue} offers 0-based ones.
 */
final class ZSkipList {
    static final int MAX_LEVEL = 32;
    /** Redis's ZSKIPLIST_P: a node has level k+1 with probability 1/4 of having level k. */
    private static final int P_THRESHOLD = (int) (0.25 * 0xFFFF);

    static final class Node {
        final byte[] member;
        double score;
        Node backward;
        final Node[] next;
        final int[] span;

        Node(int level, double score, byte[] member) {
            this.member = member;
            this.score = score;
            this.next = new Node[level];
            this.span = new int[level];
        }

        int level() {
            return next.length;
        }
    }

    final Node header = new Node(MAX_LEVEL, 0, null);
    Node tail;
    int length;
    int level = 1;

    static int randomLevel() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int lvl = 1;
        while ((r.nextInt() & 0xFFFF) < P_THRESHOLD && lvl < MAX_LEVEL) {
            lvl++;
        }
        return lvl;
    }

    /** Whether (s1, m1) sorts before (s2, m2). */
    private static boolean before(double s1, byte[] m1, double s2, byte[] m2) {
        return s1 < s2 || (s1 == s2 && Bytes.compare(m1, m2) < 0);
    }

    Node first() {
        return header.next[0];
    }

    /** zslInsert(): the caller guarantees the member is not already present. */
    Node insert(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        int[] rank = new int[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.next[i] != null && before(x.next[i].score, x.next[i].member, score, member)) {
                rank[i] += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.span[i] = length;
            }
            level = lvl;
        }
        x = new Node(lvl, score, member);
        for (int i = 0; i < lvl; i++) {
            x.next[i] = update[i].next[i];
            update[i].next[i] = x;
            x.span[i] = update[i].span[i] - (rank[0] - rank[i]);
            update[i].span[i] = (rank[0] - rank[i]) + 1;
        }
        for (int i = lvl; i < level; i++) {
            update[i].span[i]++;
        }
        x.backward = update[0] == header ? null : update[0];
        if (x.next[0] != null) {
            x.next[0].backward = x;
        } else {
            tail = x;
        }
        length++;
        return x;
    }

    /** zslDeleteNode(): unlinks x given the rightmost node before it on every level. */
    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].next[i] == x) {
                update[i].span[i] += x.span[i] - 1;
                update[i].next[i] = x.next[i];
            } else {
                update[i].span[i] -= 1;
            }
        }
        if (x.next[0] != null) {
            x.next[0].backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.next[level - 1] == null) {
            level--;
        }
        length--;
    }

    /** Removes the element (score, member); returns its node or null when absent. */
    Node delete(double score, byte[] member) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && before(x.next[i].score, x.next[i].member, score, member)) {
                x = x.next[i];
            }
            update[i] = x;
        }
        x = x.next[0];
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    /**
     * Changes a node's score (zslUpdateScore): in place when the order is kept, else by removal
     * and re-insertion. Returns the node now holding the member (possibly a new one).
     */
    Node updateScore(Node x, double newScore) {
        boolean staysInPlace = (x.backward == null || x.backward.score < newScore)
                && (x.next[0] == null || x.next[0].score > newScore);
        if (staysInPlace) {
            x.score = newScore;
            return x;
        }
        delete(x.score, x.member);
        return insert(newScore, x.member);
    }

    /** zslGetRank(): the 1-based rank of (score, member), 0 when absent. */
    long rank(double score, byte[] member) {
        long rank = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && (x.next[i].score < score
                    || (x.next[i].score == score && Bytes.compare(x.next[i].member, member) <= 0))) {
                rank += x.span[i];
                x = x.next[i];
            }
            if (x.member != null && Arrays.equals(x.member, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** zslGetElementByRank(): the node at a 1-based rank, null when out of range. */
    Node byRank(long rank) {
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] <= rank) {
                traversed += x.span[i];
                x = x.next[i];
            }
            if (traversed == rank) {
                return x == header ? null : x;
            }
        }
        return null;
    }

    /** zslIsInRange()/zslIsInLexRange(): whether some part of the list may be in range. */
    boolean isInRange(ZRangeSpec r) {
        if (r.alwaysEmpty()) {
            return false;
        }
        Node x = tail;
        if (x == null || !r.gteMin(x.member, x.score)) {
            return false;
        }
        x = header.next[0];
        return x != null && r.lteMax(x.member, x.score);
    }

    /** The first node in range, or null. */
    Node firstInRange(ZRangeSpec r) {
        if (!isInRange(r)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && !r.gteMin(x.next[i].member, x.next[i].score)) {
                x = x.next[i];
            }
        }
        x = x.next[0];
        return x != null && r.lteMax(x.member, x.score) ? x : null;
    }

    /** The last node in range, or null. */
    Node lastInRange(ZRangeSpec r) {
        if (!isInRange(r)) {
            return null;
        }
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && r.lteMax(x.next[i].member, x.next[i].score)) {
                x = x.next[i];
            }
        }
        return x != header && r.gteMin(x.member, x.score) ? x : null;
    }

    /**
     * zslDeleteRangeByScore()/ByLex(): removes the nodes from the first one at or above the
     * minimum while they stay below the maximum; each removed node is passed to {@code removed}.
     */
    long deleteRange(ZRangeSpec r, Consumer<Node> removed) {
        Node[] update = new Node[MAX_LEVEL];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && !r.gteMin(x.next[i].member, x.next[i].score)) {
                x = x.next[i];
            }
            update[i] = x;
        }
        x = x.next[0];
        long n = 0;
        while (x != null && r.lteMax(x.member, x.score)) {
            Node next = x.next[0];
            unlink(x, update);
            removed.accept(x);
            n++;
            x = next;
        }
        return n;
    }

    /** zslDeleteRangeByRank(): removes 1-based ranks start..end inclusive. */
    long deleteRangeByRank(long start, long end, Consumer<Node> removed) {
        Node[] update = new Node[MAX_LEVEL];
        long traversed = 0;
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.next[i] != null && traversed + x.span[i] < start) {
                traversed += x.span[i];
                x = x.next[i];
            }
            update[i] = x;
        }
        traversed++;
        x = x.next[0];
        long n = 0;
        while (x != null && traversed <= end) {
            Node next = x.next[0];
            unlink(x, update);
            removed.accept(x);
            n++;
            traversed++;
            x = next;
        }
        return n;
    }
}
