package io.redmesh.node.db.stream;

/**
 * A pending entry (Redis's streamNACK): delivered to a consumer of a group, not yet
 * acknowledged. The group's PEL and the owning consumer's PEL share this object.
 */
public final class StreamNack {
    public long deliveryTime;
    public long deliveryCount;
    /** Null only between XCLAIM FORCE creating it and the claim assigning it. */
    public StreamConsumer consumer;

    public StreamNack(long deliveryTime, long deliveryCount, StreamConsumer consumer) {
        this.deliveryTime = deliveryTime;
        this.deliveryCount = deliveryCount;
        this.consumer = consumer;
    }
}
