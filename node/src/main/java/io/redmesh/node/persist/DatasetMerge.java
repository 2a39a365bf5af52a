package io.redmesh.node.persist;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.ServerLog;

/**
 * DEBUG RELOAD NOFLUSH: a dataset loaded aside is added to the live one, key by key, with its
 * TTLs (Redis's rdbLoad into a non-empty keyspace). With MERGE a key from the file replaces the
 * one in memory (RDBFLAGS_ALLOW_DUP). Without it a key found in both is where Redis stops the
 * server; here the merge is refused before anything changes. Under the lock.
 */
final class DatasetMerge {
    private DatasetMerge() {}

    /** False (and nothing changed) when a key is in both and {@code replace} is off. */
    static boolean into(Keyspace live, Keyspace loaded, boolean replace) {
        int n = Math.min(live.count(), loaded.count());
        if (!replace) {
            for (int i = 0; i < n; i++) {
                Database target = live.db(i);
                byte[][] clash = {null};
                loaded.db(i).dict().forEach(e -> {
                    if (clash[0] == null && target.dict().find(e.key) != null) {
                        clash[0] = e.key;
                    }
                });
                if (clash[0] != null) {
                    ServerLog.warning("DEBUG RELOAD NOFLUSH: key '" + Bytes.latin1(clash[0]) + "' of DB " + i
                            + " is both in memory and in the RDB file; nothing was loaded (add MERGE to replace it)");
                    return false;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            Database target = live.db(i);
            loaded.db(i).dict().forEach(e -> {
                DictEntry added = target.set(e.key, e.value, false);
                if (e.expireAt != 0) {
                    target.setExpire(added, e.expireAt);
                    target.reaccount(e.key); // the expires entry counts in used_memory too
                }
            });
        }
        return true;
    }
}
