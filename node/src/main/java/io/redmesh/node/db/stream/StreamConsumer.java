package io.redmesh.node.db.stream;

import java.util.TreeMap;

/** A consumer of a group (streamConsumer): its name, when it was last seen, its own PEL. */
public final class StreamConsumer {
    public final byte[] name;
    public long seenTime;
    public final TreeMap<StreamId, StreamNack> pel = new TreeMap<>();

    public StreamConsumer(byte[] name, long seenTime) {
        this.name = name;
        this.seenTime = seenTime;
    }
}
