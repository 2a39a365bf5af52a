package io.redmesh.node.spi;

/**
 * The replication position an RDB records (aux fields repl-id, repl-offset, repl-stream-db), as
 * Redis's rdbSaveInfo: the stream the dataset is the state of, and how far into it.
 */
public record ReplicationMark(String replId, long offset, int streamDb) {}
