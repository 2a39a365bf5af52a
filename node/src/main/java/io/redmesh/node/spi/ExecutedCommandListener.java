package io.redmesh.node.spi;

/**
 * The stream of executed write commands, in execution order, as Redis propagates them to the
 * AOF and replicas. Called on the executor while the keyspace lock is held: listeners must only
 * copy what they need and return.
 */
public interface ExecutedCommandListener {
    /**
     * @param db   the database the command ran in
     * @param argv the command as it must be replayed (already rewritten where Redis rewrites,
     *             e.g. expired keys become DEL)
     */
    void executed(int db, byte[][] argv);
}
