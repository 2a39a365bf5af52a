package io.redmesh.node.spi;

/**
 * What a shutdown waits for (Redis 7.0's shutdown-timeout): SHUTDOWN without NOW, and SIGTERM /
 * SIGINT, pause writes and wait up to shutdown-timeout seconds for {@link #ready()}, then shut
 * down. Replication registers one: ready when every replica acknowledged the master's offset.
 * Every method is called under the keyspace lock.
 */
public interface ShutdownWait {
    /** Whether nothing is left to wait for (isReadyToShutdown). */
    boolean ready();

    /** The wait begins (writes are paused now): e.g. ask replicas to acknowledge. */
    void begin();

    /** The shutdown proceeds, waited for or timed out: log what is not in sync. */
    void finishing();
}
