package io.redmesh.node.spi;

import io.netty.buffer.ByteBuf;

/**
 * Applies the replication stream a master sends (Redis's master client): commands run with
 * mustObeyClient() semantics (no authentication, ACL, memory, read-only or stale checks),
 * MULTI/EXEC and SELECT as sent, replies discarded, keys a replica keeps past their TTL visible.
 * Their effects reach this node's AOF as its own writes do.
 */
public interface MasterStream {
    /** Told what was applied (Redis's replicationFeedStreamFromMasterStream). */
    interface Listener {
        /**
         * The exact bytes of what was just applied: one command, or a whole MULTI ... EXEC. The
         * buffer is valid during the call only. Called under the keyspace lock.
         */
        void applied(ByteBuf raw);
    }

    /**
     * Applies every complete command in {@code data} (consumed; a partial command is kept for the
     * next call). Takes the keyspace lock.
     *
     * @throws IllegalArgumentException on a protocol error (the link must be dropped)
     */
    void feed(ByteBuf data);

    /** Forgets a partial command and an open MULTI (the link dropped; Redis's cached master). */
    void reset();

    /** The database the stream has selected. */
    int db();

    /** Selects a database (a restarted replica resumes with its RDB's repl-stream-db). */
    void db(int db);

    /** The session's client id (CLIENT LIST shows it with flags=M). */
    long clientId();

    /** Closes the session. */
    void close();
}
