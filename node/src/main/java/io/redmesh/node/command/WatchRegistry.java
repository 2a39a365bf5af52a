package io.redmesh.node.command;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * WATCH bookkeeping (Redis's multi.c): which sessions watch which keys of which database, so a
 * modification can mark them dirty and make their EXEC fail.
 */
public final class WatchRegistry {
    /** A watched key; {@code expiredAtWatch} follows Redis 7.0's rule for keys already expired. */
    static final class WatchedKey {
        final Database db;
        final ByteString key;
        boolean expiredAtWatch;

        WatchedKey(Database db, ByteString key) {
            this.db = db;
            this.key = key;
        }
    }

    private final Map<Database, Map<ByteString, Set<Session>>> watchers = new HashMap<>();

    public boolean isEmpty() {
        return watchers.isEmpty();
    }

    void watch(Session s, Database db, byte[] key, boolean expired) {
        ByteString k = new ByteString(key);
        for (WatchedKey w : s.watched) {
            if (w.db == db && w.key.equals(k)) {
                return;
            }
        }
        watchers.computeIfAbsent(db, d -> new HashMap<>()).computeIfAbsent(k, x -> new LinkedHashSet<>()).add(s);
        WatchedKey w = new WatchedKey(db, k);
        w.expiredAtWatch = expired;
        s.watched.add(w);
    }

    /** UNWATCH / EXEC / DISCARD / disconnect: forget all of a session's keys. */
    void unwatchAll(Session s) {
        for (WatchedKey w : s.watched) {
            Map<ByteString, Set<Session>> m = watchers.get(w.db);
            if (m == null) {
                continue;
            }
            Set<Session> set = m.get(w.key);
            if (set != null) {
                set.remove(s);
                if (set.isEmpty()) {
                    m.remove(w.key);
                }
            }
            if (m.isEmpty()) {
                watchers.remove(w.db);
            }
        }
        s.watched.clear();
        s.dirtyCas = false;
    }

    /** touchWatchedKey(): a key changed. */
    void touch(Database db, byte[] key) {
        Map<ByteString, Set<Session>> m = watchers.get(db);
        if (m == null) {
            return;
        }
        ByteString k = new ByteString(key);
        Set<Session> set = m.get(k);
        if (set == null) {
            return;
        }
        for (Session s : set) {
            WatchedKey wk = find(s, db, k);
            if (wk != null && wk.expiredAtWatch) {
                if (!db.dict().contains(key)) {
                    // The key was already logically gone at WATCH time and is now deleted: no change.
                    wk.expiredAtWatch = false;
                    continue;
                }
            }
            s.dirtyCas = true;
        }
    }

    private static WatchedKey find(Session s, Database db, ByteString k) {
        for (WatchedKey w : s.watched) {
            if (w.db == db && w.key.equals(k)) {
                return w;
            }
        }
        return null;
    }

    /**
     * touchAllWatchedKeysInDb(): {@code db} is about to be emptied (replacement null) or swapped
     * with {@code replacement}. A watcher becomes dirty when its key exists on either side, with
     * Redis 7.0's rules for keys that were already expired when watched.
     */
    void touchAll(Database db, Database replacement, long now) {
        Map<ByteString, Set<Session>> m = watchers.get(db);
        if (m == null) {
            return;
        }
        for (Map.Entry<ByteString, Set<Session>> e : new ArrayList<>(m.entrySet())) {
            byte[] key = e.getKey().bytes;
            boolean existsInEmptied = db.dict().find(key) != null;
            DictEntry inReplacement = replacement == null ? null : replacement.dict().find(key);
            if (!existsInEmptied && inReplacement == null) {
                continue;
            }
            boolean replacementExpired = inReplacement != null && inReplacement.expireAt != 0
                    && inReplacement.expireAt <= now;
            for (Session s : new ArrayList<>(e.getValue())) {
                WatchedKey wk = find(s, db, e.getKey());
                if (wk != null && wk.expiredAtWatch) {
                    if (inReplacement == null) {
                        wk.expiredAtWatch = false; // an expired key now deleted: no logical change
                        continue;
                    }
                    if (replacementExpired) {
                        continue; // expired then, expired still
                    }
                } else if (wk != null && !existsInEmptied && replacementExpired) {
                    wk.expiredAtWatch = true; // a missing key replaced by an expired one
                    continue;
                }
                s.dirtyCas = true;
            }
        }
    }
}
