package io.redmesh.node.command;

import io.redmesh.node.db.Database;
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
     * touchAllWatchedKeysInDb(): after FLUSHDB/FLUSHALL/SWAPDB, every watcher of a key that existed
     * in {@code before} or exists in {@code after} is dirty.
     */
    void touchAll(Database db, java.util.function.Predicate<byte[]> existed) {
        Map<ByteString, Set<Session>> m = watchers.get(db);
        if (m == null) {
            return;
        }
        List<Map.Entry<ByteString, Set<Session>>> entries = new ArrayList<>(m.entrySet());
        for (Map.Entry<ByteString, Set<Session>> e : entries) {
            if (existed.test(e.getKey().bytes)) {
                for (Session s : e.getValue()) {
                    s.dirtyCas = true;
                }
            }
        }
    }
}
