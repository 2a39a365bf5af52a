package io.redmesh.node.db;

/**
 * What the layers above want to hear from the keyspace. WATCH needs every modification;
 * blocking pops need to know when a key may now have data.
 */
public interface KeyspaceListener {
    /** A key's value changed, was deleted or expired (Redis's signalModifiedKey). */
    void keyModified(Database db, byte[] key);

    /** A list/zset key received elements; blocked clients may be served (signalKeyAsReady). */
    void keyReady(Database db, byte[] key);

    /** Every key of the database changed at once (FLUSHDB, FLUSHALL, SWAPDB). */
    void databaseReplaced(Database db);

    KeyspaceListener NONE = new KeyspaceListener() {
        @Override public void keyModified(Database db, byte[] key) {}
        @Override public void keyReady(Database db, byte[] key) {}
        @Override public void databaseReplaced(Database db) {}
    };
}
