package io.redmesh.node.db.stream;

import io.redmesh.node.db.Sized;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A stream (Redis's t_stream.c): entries in listpack nodes ({@link StreamNode}) keyed by their
 * master ID, as Redis's radix tree of listpacks, plus the stream's counters and its consumer
 * groups.
 *
 * <p>Node layout, as 7.0 writes it: a master entry {@code count deleted num-fields field... 0},
 * then per entry {@code flags ms-diff seq-diff [num-fields field value ...] | [value ...]
 * lp-count}, where flags bit 0 marks a deleted entry and bit 1 an entry whose fields are the
 * master's (only values stored). Deleting marks the flag; a node whose live count reaches 0
 * is dropped.
 */
public final class StreamValue implements Sized {
    static final int FLAG_DELETED = 1;
    static final int FLAG_SAMEFIELDS = 2;
    /** Per node: TreeMap entry, its StreamId key, the StreamNode and the array header. */
    private static final int NODE_OVERHEAD = 40 + 32 + 24 + 16;

    final TreeMap<StreamId, StreamNode> nodes = new TreeMap<>();
    public long length;
    public StreamId lastId = StreamId.MIN;
    public StreamId firstId = StreamId.MIN;
    public StreamId maxDeletedId = StreamId.MIN;
    public long entriesAdded;
    private TreeMap<byte[], StreamGroup> groups;
    private long nodeBytes;

    @Override
    public long bytes() {
        long n = 96 + nodeBytes;
        if (groups != null) {
            for (StreamGroup g : groups.values()) {
                n += 64 + g.bytes();
            }
        }
        return n;
    }

    @Override
    public int length() {
        return (int) Math.min(Integer.MAX_VALUE, length);
    }

    @Override
    public String encoding() {
        return "stream";
    }

    @Override
    public String typeName() {
        return "stream";
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** The nodes in order, with their master IDs (RDB). */
    public Iterable<Map.Entry<StreamId, StreamNode>> nodeEntries() {
        return nodes.entrySet();
    }

    /** Adds a node read from a file (RDB load); the caller sets the counters. */
    public void loadNode(StreamId master, StreamNode node) {
        nodes.put(master, node);
        nodeBytes += NODE_OVERHEAD + node.capacity();
    }

    // ------------------------------------------------------------------ groups

    public TreeMap<byte[], StreamGroup> groups() {
        if (groups == null) {
            groups = new TreeMap<>(Arrays::compareUnsigned);
        }
        return groups;
    }

    public int groupCount() {
        return groups == null ? 0 : groups.size();
    }

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    // ------------------------------------------------------------------ append

    /**
     * streamAppendItem: adds the entry {@code id} with the {@code numFields} field-value pairs
     * at {@code argv[from..]}. The caller has checked that {@code id} is above the last ID.
     */
    public void append(StreamId id, byte[][] argv, int from, int numFields, long maxBytes, long maxEntries) {
        Map.Entry<StreamId, StreamNode> tail = nodes.lastEntry();
        StreamNode lp = tail == null ? null : tail.getValue();
        if (lp != null) {
            long totelelen = 0;
            for (int i = 0; i < numFields * 2; i++) {
                totelelen += argv[from + i].length;
            }
            long nodeMax = maxBytes == 0 || maxBytes > (1L << 30) ? 1L << 30 : maxBytes;
            if (lp.size + totelelen >= nodeMax) {
                lp = null;
            } else if (maxEntries != 0) {
                int p = lp.first();
                long count = lp.getInt(p) + lp.getInt(lp.next(p));
                if (count >= maxEntries) {
                    lp = null;
                }
            }
        }
        int flags = 0;
        StreamId master;
        if (lp == null) {
            if (tail != null) {
                long before = tail.getValue().capacity();
                tail.getValue().compact();
                nodeBytes += tail.getValue().capacity() - before;
            }
            master = id;
            lp = StreamNode.empty();
            lp.appendInt(1);
            lp.appendInt(0);
            lp.appendInt(numFields);
            for (int i = 0; i < numFields; i++) {
                lp.append(argv[from + 2 * i]);
            }
            lp.appendInt(0);
            nodes.put(id, lp);
            nodeBytes += NODE_OVERHEAD + lp.capacity();
            flags |= FLAG_SAMEFIELDS;
        } else {
            master = tail.getKey();
            long before = lp.capacity();
            int p = lp.first();
            lp.replaceInt(p, lp.getInt(p) + 1);
            p = lp.next(lp.next(p));
            long masterFields = lp.getInt(p);
            if (masterFields == numFields) {
                int i;
                for (i = 0; i < numFields; i++) {
                    p = lp.next(p);
                    if (!Arrays.equals(lp.get(p), argv[from + 2 * i])) {
                        break;
                    }
                }
                if (i == numFields) {
                    flags |= FLAG_SAMEFIELDS;
                }
            }
            nodeBytes -= before;
            nodeBytes += lp.capacity();
        }
        long before = lp.capacity();
        lp.appendInt(flags);
        lp.appendInt(id.ms() - master.ms());
        lp.appendInt(id.seq() - master.seq());
        boolean same = (flags & FLAG_SAMEFIELDS) != 0;
        if (!same) {
            lp.appendInt(numFields);
        }
        for (int i = 0; i < numFields; i++) {
            if (!same) {
                lp.append(argv[from + 2 * i]);
            }
            lp.append(argv[from + 2 * i + 1]);
        }
        long lpCount = numFields + 3 + (same ? 0 : numFields + 1);
        lp.appendInt(lpCount);
        nodeBytes += lp.capacity() - before;
        length++;
        lastId = id;
        entriesAdded++;
        if (length == 1) {
            firstId = id;
        }
    }

    // ------------------------------------------------------------------ reading

    /** A cursor over the entries of one node (master fields decoded once). */
    private static final class NodeCursor {
        final StreamNode lp;
        final StreamId master;
        final byte[][] masterFields;
        final int firstEntry;

        NodeCursor(StreamId master, StreamNode lp) {
            this.lp = lp;
            this.master = master;
            int p = lp.first();
            p = lp.next(lp.next(p)); // count, deleted
            int n = (int) lp.getInt(p);
            masterFields = new byte[n][];
            for (int i = 0; i < n; i++) {
                p = lp.next(p);
                masterFields[i] = lp.get(p);
            }
            p = lp.next(p); // master terminator
            firstEntry = lp.next(p);
        }

        int flags(int p) {
            return (int) lp.getInt(p);
        }

        StreamId id(int p) {
            int q = lp.next(p);
            long ms = lp.getInt(q);
            long seq = lp.getInt(lp.next(q));
            return new StreamId(master.ms() + ms, master.seq() + seq);
        }

        /** The position after the entry at {@code p} (its flags), or -1. */
        int after(int p) {
            int flags = flags(p);
            int q = lp.next(lp.next(lp.next(p)));
            int skip;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                skip = masterFields.length;
            } else {
                skip = (int) lp.getInt(q) * 2;
                q = lp.next(q);
            }
            for (int i = 0; i < skip; i++) {
                q = lp.next(q);
            }
            return lp.next(q); // past lp-count
        }

        StreamEntry entry(int p, StreamId id) {
            int flags = flags(p);
            int q = lp.next(lp.next(lp.next(p)));
            byte[][] fields;
            byte[][] values;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                fields = masterFields;
                values = new byte[fields.length][];
                for (int i = 0; i < fields.length; i++) {
                    values[i] = lp.get(q);
                    q = lp.next(q);
                }
            } else {
                int n = (int) lp.getInt(q);
                q = lp.next(q);
                fields = new byte[n][];
                values = new byte[n][];
                for (int i = 0; i < n; i++) {
                    fields[i] = lp.get(q);
                    q = lp.next(q);
                    values[i] = lp.get(q);
                    q = lp.next(q);
                }
            }
            return new StreamEntry(id, fields, values);
        }

        /** Positions of the node's entries in order. */
        int[] positions() {
            int[] out = new int[16];
            int n = 0;
            for (int p = firstEntry; p != -1; p = after(p)) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = p;
            }
            return Arrays.copyOf(out, n);
        }
    }

    /**
     * Visits entries with IDs in [start, end] in order (reverse order when {@code rev}),
     * skipping deleted ones unless {@code tombstones}; stops when the visitor returns false.
     * A visited tombstone has null fields.
     */
    public void range(StreamId start, StreamId end, boolean rev, boolean tombstones, Predicate<StreamEntry> visitor) {
        if (start.compareTo(end) > 0 || nodes.isEmpty()) {
            return;
        }
        StreamId from = nodes.floorKey(start);
        Iterable<Map.Entry<StreamId, StreamNode>> span = rev
                ? nodes.headMap(end, true).descendingMap().entrySet()
                : (from == null ? nodes.headMap(end, true) : nodes.subMap(from, true, end, true)).entrySet();
        for (Map.Entry<StreamId, StreamNode> e : span) {
            NodeCursor cur = new NodeCursor(e.getKey(), e.getValue());
            int[] pos = cur.positions();
            for (int k = 0; k < pos.length; k++) {
                int p = pos[rev ? pos.length - 1 - k : k];
                StreamId id = cur.id(p);
                if (rev ? id.compareTo(end) > 0 : id.compareTo(start) < 0) {
                    continue;
                }
                if (rev ? id.compareTo(start) < 0 : id.compareTo(end) > 0) {
                    return;
                }
                boolean deleted = (cur.flags(p) & FLAG_DELETED) != 0;
                if (deleted && !tombstones) {
                    continue;
                }
                StreamEntry entry = deleted ? new StreamEntry(id, null, null) : cur.entry(p, id);
                if (!visitor.test(entry)) {
                    return;
                }
            }
            if (rev && e.getKey().compareTo(start) < 0) {
                return;
            }
        }
    }

    /** The entry {@code id} if present and not deleted. */
    public StreamEntry get(StreamId id) {
        StreamEntry[] found = new StreamEntry[1];
        range(id, id, false, false, e -> {
            found[0] = e;
            return false;
        });
        return found[0];
    }

    /** streamGetEdgeID: first (or last) entry's ID; null when there is none. */
    public StreamId edge(boolean first, boolean tombstones) {
        StreamId[] found = new StreamId[1];
        range(StreamId.MIN, StreamId.MAX, !first, tombstones, e -> {
            found[0] = e.id();
            return false;
        });
        return found[0];
    }

    /** streamLastValidID: the last live entry's ID, 0-0 for an empty stream. */
    public StreamId lastValidId() {
        StreamId id = edge(false, false);
        return id == null ? StreamId.MIN : id;
    }

    /** The entries of [start, end], at most {@code count} (0: all). */
    public List<StreamEntry> list(StreamId start, StreamId end, boolean rev, long count) {
        List<StreamEntry> out = new ArrayList<>();
        range(start, end, rev, false, e -> {
            out.add(e);
            return count == 0 || out.size() < count;
        });
        return out;
    }

    // ------------------------------------------------------------------ deleting

    /** streamDeleteItem: marks {@code id} deleted; false if it is not a live entry. */
    public boolean delete(StreamId id) {
        Map.Entry<StreamId, StreamNode> e = nodes.floorEntry(id);
        if (e == null) {
            return false;
        }
        NodeCursor cur = new NodeCursor(e.getKey(), e.getValue());
        for (int p = cur.firstEntry; p != -1; p = cur.after(p)) {
            int cmp = cur.id(p).compareTo(id);
            if (cmp > 0) {
                return false;
            }
            if (cmp == 0) {
                int flags = cur.flags(p);
                if ((flags & FLAG_DELETED) != 0) {
                    return false;
                }
                markDeleted(e.getKey(), e.getValue(), p, flags, 1);
                length--;
                return true;
            }
        }
        return false;
    }

    /** Flags the entry at {@code p} deleted and moves {@code n} from the live to the deleted count. */
    private void markDeleted(StreamId key, StreamNode lp, int p, int flags, long n) {
        long before = lp.capacity();
        if (p >= 0) {
            lp.replaceInt(p, flags | FLAG_DELETED);
        }
        int q = lp.first();
        long count = lp.getInt(q) - n;
        if (count == 0) {
            nodes.remove(key);
            nodeBytes -= NODE_OVERHEAD + before;
            return;
        }
        lp.replaceInt(q, count);
        q = lp.next(q);
        lp.replaceInt(q, lp.getInt(q) + n);
        nodeBytes += lp.capacity() - before;
    }

    // ------------------------------------------------------------------ trimming

    /**
     * streamTrim (7.0): drops whole nodes while they lie entirely below the threshold, then,
     * unless {@code approx}, marks entries of the next node deleted. {@code limit} bounds the
     * entries removed (0: no bound). Returns the number removed.
     */
    public long trim(boolean byMaxlen, long maxlen, StreamId minid, boolean approx, long limit) {
        long deleted = 0;
        while (!nodes.isEmpty()) {
            if (byMaxlen && length <= maxlen) {
                break;
            }
            Map.Entry<StreamId, StreamNode> e = nodes.firstEntry();
            StreamNode lp = e.getValue();
            long entries = lp.getInt(lp.first());
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            NodeCursor cur = new NodeCursor(e.getKey(), lp);
            boolean removeNode;
            if (byMaxlen) {
                removeNode = length - entries >= maxlen;
            } else {
                int[] pos = cur.positions();
                StreamId last = cur.id(pos[pos.length - 1]);
                removeNode = last.compareTo(minid) < 0;
            }
            if (removeNode) {
                nodes.remove(e.getKey());
                nodeBytes -= NODE_OVERHEAD + lp.capacity();
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            long fromNode = 0;
            long before = lp.capacity();
            for (int p = cur.firstEntry; p != -1; ) {
                int flags = cur.flags(p);
                boolean stop = byMaxlen ? length <= maxlen : cur.id(p).compareTo(minid) >= 0;
                if (stop) {
                    break;
                }
                int next = cur.after(p);
                if ((flags & FLAG_DELETED) == 0) {
                    lp.replaceInt(p, flags | FLAG_DELETED); // same size: positions hold
                    fromNode++;
                    length--;
                }
                p = next;
            }
            deleted += fromNode;
            int q = lp.first();
            lp.replaceInt(q, entries - fromNode);
            q = lp.next(q);
            lp.replaceInt(q, lp.getInt(q) + fromNode);
            nodeBytes += lp.capacity() - before;
            break;
        }
        if (length == 0) {
            firstId = StreamId.MIN;
        } else {
            StreamId f = edge(true, false);
            firstId = f == null ? StreamId.MIN : f;
        }
        return deleted;
    }

    // ------------------------------------------------------------------ tombstones and counters

    /** streamRangeHasTombstones (end open when null). */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId.compareTo(maxDeletedId) > 0) {
            return false;
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /** streamEstimateDistanceFromFirstEverEntry: the logical read counter of {@code id}, or -1. */
    public long estimateDistance(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpFirst = id.compareTo(firstId);
        if (maxDeletedId.isZero() || maxDeletedId.compareTo(firstId) < 0) {
            if (cmpFirst < 0) {
                return entriesAdded - length;
            } else if (cmpFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** The lag XINFO reports for a group, or null when it cannot be known. */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistance(g.lastId);
        return read == StreamGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    @Override
    public Sized copy() {
        StreamValue s = new StreamValue();
        for (Map.Entry<StreamId, StreamNode> e : nodes.entrySet()) {
            StreamNode n = e.getValue();
            s.loadNode(e.getKey(), new StreamNode(n.bytes().clone(), n.size));
        }
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            for (Map.Entry<byte[], StreamGroup> g : groups.entrySet()) {
                s.groups().put(g.getKey(), g.getValue().copy());
            }
        }
        return s;
    }
}
