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

    /**
     * Every key of {@code db} is about to change at once; called before it happens, so the old
     * contents can still be read: emptied by FLUSHDB/FLUSHALL ({@code replacement} null) or
     * swapped with {@code replacement} by SWAPDB.
     */
    void databaseReplaced(Database db, Database replacement);

    /** A command added a key that did not exist (dbAdd; Redis's "new" keyspace event). */
    default void keyCreated(Database db, byte[] key) {}

    /** A command's read found no such key (lookupKeyRead; Redis's "keymiss" event). */
    default void keyMissed(Database db, byte[] key) {}

    KeyspaceListener NONE = new KeyspaceListener() {
        @Override public void keyModified(Database db, byte[] key) {}
        @Override public void keyReady(Database db, byte[] key) {}
        @Override public void databaseReplaced(Database db, Database replacement) {}
    };
}
