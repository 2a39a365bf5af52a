package io.redmesh.node.command;

import io.redmesh.node.db.Database;
import io.redmesh.node.resp.Reply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Clients blocked by BLPOP, BLMOVE, BZPOPMIN and friends (Redis's blocked.c). A blocked client
 * waits on keys; when a write makes one of them ready, the blocked command is run again for the
 * waiting clients in the order they blocked, inside the same atomic step as the write that fed
 * it. A timeout or CLIENT UNBLOCK ends the wait with the command's timeout reply.
 */
public final class BlockingRegistry {
    /** What a blocked client waits for and how to end the wait. */
    public static final class BlockedState {
        final Database db;
        final List<byte[]> keys;
        final Class<?> valueType;
        final long deadlineMillis;
        final Consumer<Reply> timeoutReply;
        final CommandSpec spec;
        final byte[][] argv;
        Future<?> timer;

        BlockedState(Database db, List<byte[]> keys, Class<?> valueType, long deadlineMillis,
                     Consumer<Reply> timeoutReply, CommandSpec spec, byte[][] argv) {
            this.db = db;
            this.keys = keys;
            this.valueType = valueType;
            this.deadlineMillis = deadlineMillis;
            this.timeoutReply = timeoutReply;
            this.spec = spec;
            this.argv = argv;
        }
    }

    private final Map<Database, Map<ByteString, LinkedHashSet<Session>>> waiting = new HashMap<>();
    private final List<Object[]> readyKeys = new ArrayList<>(); // {Database, ByteString}
    private int blockedClients;

    public int blockedClients() {
        return blockedClients;
    }

    /** Number of keys with at least one blocked client (INFO blocked_keys-like figure). */
    public int blockedKeys() {
        int n = 0;
        for (Map<ByteString, LinkedHashSet<Session>> m : waiting.values()) {
            n += m.size();
        }
        return n;
    }

    void block(Session s, BlockedState st) {
        s.blocked = st;
        blockedClients++;
        for (byte[] k : st.keys) {
            waiting.computeIfAbsent(st.db, d -> new HashMap<>())
                    .computeIfAbsent(new ByteString(k), x -> new LinkedHashSet<>()).add(s);
        }
    }

    /** Removes a session from every wait list; returns its state (null if it was not blocked). */
    BlockedState unblock(Session s) {
        BlockedState st = s.blocked;
        if (st == null) {
            return null;
        }
        s.blocked = null;
        blockedClients--;
        if (st.timer != null) {
            st.timer.cancel(false);
        }
        Map<ByteString, LinkedHashSet<Session>> m = waiting.get(st.db);
        if (m != null) {
            for (byte[] k : st.keys) {
                ByteString bk = new ByteString(k);
                Set<Session> set = m.get(bk);
                if (set != null) {
                    set.remove(s);
                    if (set.isEmpty()) {
                        m.remove(bk);
                    }
                }
            }
            if (m.isEmpty()) {
                waiting.remove(st.db);
            }
        }
        return st;
    }

    /** signalKeyAsReady(): remembers the key if somebody waits on it. */
    void keyReady(Database db, byte[] key) {
        Map<ByteString, LinkedHashSet<Session>> m = waiting.get(db);
        if (m == null) {
            return;
        }
        ByteString k = new ByteString(key);
        if (!m.containsKey(k)) {
            return;
        }
        for (Object[] r : readyKeys) {
            if (r[0] == db && r[1].equals(k)) {
                return;
            }
        }
        readyKeys.add(new Object[] {db, k});
    }

    /**
     * scanDatabaseForReadyKeys (SWAPDB): the keys waited on in {@code db} that {@code incoming},
     * the contents about to replace db's, holds become ready, so a client blocked in db 9 is
     * served by the list SWAPDB 9 11 brings in. Called before the swap; whether the value is of
     * the awaited type is judged when the waiters run, after it.
     */
    void contentsReplaced(Database db, Database incoming) {
        Map<ByteString, LinkedHashSet<Session>> m = waiting.get(db);
        if (m == null || incoming == null) {
            return;
        }
        for (ByteString k : new ArrayList<>(m.keySet())) {
            if (incoming.dict().get(k.bytes) != null) {
                keyReady(db, k.bytes);
            }
        }
    }

    boolean hasReadyKeys() {
        return !readyKeys.isEmpty();
    }

    /** Takes the sessions to retry for the next ready key, in blocking order. */
    List<Session> takeReady(List<Object[]> keyOut) {
        Object[] r = readyKeys.remove(0);
        keyOut.add(r);
        Map<ByteString, LinkedHashSet<Session>> m = waiting.get((Database) r[0]);
        if (m == null) {
            return List.of();
        }
        Set<Session> set = m.get((ByteString) r[1]);
        return set == null ? List.of() : new ArrayList<>(set);
    }

    /** Whether the key now holds a value the blocked command can consume. */
    static boolean servable(BlockedState st, Database db, byte[] key) {
        Object v = db.dict().get(key);
        return v != null && st.valueType.isInstance(v) && db.exists(key);
    }
}
