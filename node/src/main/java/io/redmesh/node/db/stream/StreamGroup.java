package io.redmesh.node.db.stream;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A consumer group (streamCG): the last ID delivered, the logical read counter (-1 when
 * unknown), the group's PEL and its consumers ordered by name as Redis's rax orders them
 * (unsigned bytes).
 */
public final class StreamGroup {
    /** SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    public StreamId lastId;
    public long entriesRead;
    public final TreeMap<StreamId, StreamNack> pel = new TreeMap<>();
    public final TreeMap<byte[], StreamConsumer> consumers = new TreeMap<>(Arrays::compareUnsigned);

    public StreamGroup(StreamId lastId, long entriesRead) {
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    /** streamLookupConsumer with SLC_DEFAULT: found consumers are marked seen now. */
    public StreamConsumer lookupConsumer(byte[] name, long now, boolean refresh) {
        StreamConsumer c = consumers.get(name);
        if (c != null && refresh) {
            c.seenTime = now;
        }
        return c;
    }

    /** streamCreateConsumer: null when it exists already. */
    public StreamConsumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        StreamConsumer c = new StreamConsumer(name, now);
        consumers.put(name, c);
        return c;
    }

    /** Hands a pending entry to {@code to} (XCLAIM, XAUTOCLAIM), delivered at {@code when}. */
    public void transfer(StreamId id, StreamNack n, StreamConsumer to, long when) {
        if (n.consumer != to) {
            if (n.consumer != null) {
                n.consumer.pel.remove(id);
            }
            to.pel.put(id, n);
            n.consumer = to;
        }
        n.deliveryTime = when;
    }

    /** streamDelConsumer: its pending entries leave the group's PEL too. */
    public void deleteConsumer(StreamConsumer c) {
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        consumers.remove(c.name);
    }

    /**
     * XACK of one ID: removes it from the group's PEL and its consumer's; false when it was not
     * pending. One walk of each tree (a lookup then a removal would walk the group's twice).
     */
    public boolean ack(StreamId id) {
        StreamNack n = pel.remove(id);
        if (n == null) {
            return false;
        }
        if (n.consumer != null) {
            n.consumer.pel.remove(id);
        }
        return true;
    }

    /** Removes a pending entry from the group's PEL and its consumer's. */
    public void ack(StreamId id, StreamNack n) {
        pel.remove(id);
        if (n.consumer != null) {
            n.consumer.pel.remove(id);
        }
    }

    StreamGroup copy() {
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        for (StreamConsumer c : consumers.values()) {
            StreamConsumer cc = new StreamConsumer(c.name, c.seenTime);
            g.consumers.put(cc.name, cc);
        }
        for (var e : pel.entrySet()) {
            StreamNack n = e.getValue();
            StreamConsumer owner = n.consumer == null ? null : g.consumers.get(n.consumer.name);
            StreamNack nn = new StreamNack(n.deliveryTime, n.deliveryCount, owner);
            g.pel.put(e.getKey(), nn);
            if (owner != null) {
                owner.pel.put(e.getKey(), nn);
            }
        }
        return g;
    }

    /** Estimated heap bytes (PEL entries are shared by two trees). */
    long bytes() {
        long n = 96 + pel.size() * 136L;
        for (StreamConsumer c : consumers.values()) {
            n += 96 + c.name.length + c.pel.size() * 40L;
        }
        return n;
    }
}
