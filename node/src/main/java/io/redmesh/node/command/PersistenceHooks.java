package io.redmesh.node.command;

/**
 * What commands outside persist/ need from persistence (INFO, SAVE, SHUTDOWN, FLUSHALL), so that
 * command/ does not depend on persist/. persist.Persistence provides it; the default is a
 * server without persistence. Called under the server lock.
 */
public interface PersistenceHooks {
    /** INFO persistence from current_cow_peak to rdb_last_load_keys_loaded, or null for defaults. */
    String info();

    /**
     * INFO persistence's aof_* fields: [0] the fields before module_fork_*, [1] the ones Redis
     * adds after them while AOF is on; null for the defaults of a server without AOF.
     */
    String[] aofInfo();

    /** RedMesh's encryption_* INFO persistence fields after Redis's, or "" (encryption at rest unused). */
    String encryptionInfo();

    /**
     * Redis's prepareForShutdown() save step (SHUTDOWN [SAVE|NOSAVE] [FORCE], SIGTERM): false when
     * saving failed and the server must keep running.
     */
    boolean prepareForShutdown(boolean save, boolean nosave, boolean force);

    /**
     * SAVE: writes the RDB file now, under the server lock (Redis's rdbSave); counts in
     * rdb_saves even when it fails, as Redis's SAVE does, and a success clears a failed BGSAVE's
     * status (and so -MISCONF). False when the file could not be written (the old one is kept).
     */
    boolean save();

    /** After FLUSHALL emptied the keyspace: kill a BGSAVE, save the empty dataset if save points exist. */
    void flushedAll();

    /**
     * DEBUG RELOAD: save the RDB file (unless !save), then load it back, replacing the dataset
     * (flush) or adding to it (merge: a key from the file replaces the one in memory). Returns
     * null on success, else the error line to reply (Redis's "ERR" for a failed save). The load
     * happens aside: a file that cannot be loaded, or NOFLUSH without MERGE meeting a key that is
     * both in memory and in the file (where Redis stops the server), change nothing.
     */
    default String reload(boolean merge, boolean flush, boolean save) {
        return "ERR Error trying to load the RDB dump, check server logs.";
    }

    PersistenceHooks NONE = new PersistenceHooks() {
        @Override
        public String info() {
            return null;
        }

        @Override
        public String[] aofInfo() {
            return null;
        }

        @Override
        public String encryptionInfo() {
            return "";
        }

        @Override
        public boolean prepareForShutdown(boolean save, boolean nosave, boolean force) {
            return true;
        }

        @Override
        public boolean save() {
            return false;
        }

        @Override
        public void flushedAll() {}
    };
}
