package io.redmesh.node.command;

import io.redmesh.node.resp.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Client-side caching, as Redis 7.0's tracking.c: the invalidation table (keys read by tracking
 * clients, each with the IDs of the clients that may cache it), the prefix table of BCAST
 * clients, and the invalidation messages (RESP3 {@code >2 invalidate [keys]} pushes, or pub/sub
 * messages on {@code __redis__:invalidate} for a RESP2 client redirecting to a subscriber).
 *
 * <p>Every modified key passes {@link #invalidateKey} (the keyspace's signalModifiedKey), reads
 * are remembered after a read-only command ({@link #afterCommand}), flushes send a null
 * invalidation ({@link #invalidateAllOnFlush}). The table holds at most
 * {@code tracking-table-max-keys} keys: {@link #limitUsedSlots} forgets random keys beyond it,
 * telling their clients as if they had changed. Everything runs under the server lock.
 */
public final class ClientTracking {
    /** A client's tracking mode: Redis's CLIENT_TRACKING_* flags and tracking fields. */
    public static final class Mode {
        public boolean on;
        public boolean bcast;
        public boolean optin;
        public boolean optout;
        /** CLIENT CACHING yes (OPTIN) / no (OPTOUT) given for the next command or transaction. */
        public boolean caching;
        public boolean noloop;
        public boolean brokenRedirect;
        /** The client receiving this one's invalidations; 0: none. */
        public long redirect;
        /** BCAST prefixes in Redis's (byte) order; null until the first. */
        public TreeSet<ByteString> prefixes;
    }

    /** A key of the invalidation table and the clients that may cache it. */
    private static final class TrackedKey {
        final ByteString key;
        final LinkedHashSet<Long> ids = new LinkedHashSet<>(2);
        /** Its place in {@link #order}, for eviction of a random key. */
        int index;
        /** When {@link #ids} reaches this size, the IDs of clients that are gone are dropped. */
        int pruneAt = 8;

        TrackedKey(ByteString key) {
            this.key = key;
        }
    }

    /** A BCAST prefix: its clients, and the keys under it modified since the last broadcast. */
    private static final class Prefix {
        final LinkedHashSet<Session> clients = new LinkedHashSet<>();
        /** Modified key -> the client that modified it last (NOLOOP), in key order. */
        TreeMap<ByteString, Session> keys = new TreeMap<>();
    }

    private static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);

    private final ServerContext server;
    /** Created with the first tracking client, as Redis's TrackingTable (null: never enabled). */
    private Map<ByteString, TrackedKey> table;
    private final ArrayList<TrackedKey> order = new ArrayList<>();
    private long totalItems;
    private final TreeMap<ByteString, Prefix> prefixTable = new TreeMap<>();
    private final LinkedHashSet<Session> trackingClients = new LinkedHashSet<>();
    /** Invalidations for the executing client, sent after its reply (tracking_pending_keys; null: flush). */
    private final List<byte[]> pendingForCurrent = new ArrayList<>();
    /** server.current_client: the client whose request is being processed, or null (cron). */
    private Session current;
    /** The request of {@link #current} (a script's reads remember its caller's keys, as 7.0). */
    private CommandSpec currentCmd;
    private byte[][] currentArgv;
    private boolean broadcastPending;
    private boolean broadcastScheduled;
    private int limitTimeoutCounter;
    private volatile long maxKeys;

    ClientTracking(ServerContext server) {
        this.server = server;
        server.config.onChange("tracking-table-max-keys", v -> maxKeys = (Long) v);
    }

    // ------------------------------------------------------------------ the request in progress

    /** A request starts (processInputBuffer sets current_client); returns the previous one. */
    Session enter(Session s, CommandSpec cmd, byte[][] argv) {
        Session previous = current;
        current = s;
        currentCmd = cmd;
        currentArgv = argv;
        return previous;
    }

    /**
     * A call nested in the current client's request (a command EXEC runs): while it runs it is
     * the client's request (Redis's c->cmd), e.g. for the reads of a script it runs inline.
     * Returns what to give back to {@link #unnest}.
     */
    Object[] nest(Session s, CommandSpec cmd, byte[][] argv) {
        if (s != current) {
            return null;
        }
        Object[] saved = {currentCmd, currentArgv};
        currentCmd = cmd;
        currentArgv = argv;
        return saved;
    }

    void unnest(Object[] saved) {
        if (saved != null) {
            currentCmd = (CommandSpec) saved[0];
            currentArgv = (byte[][]) saved[1];
        }
    }

    /**
     * The request ended (afterCommand at the top level): the invalidations held for its client go
     * after its reply, and the BCAST ones are sent once this I/O batch ends (beforeSleep).
     */
    void leave(Session previous) {
        Session s = current;
        if (!pendingForCurrent.isEmpty()) {
            List<byte[]> keys = new ArrayList<>(pendingForCurrent);
            pendingForCurrent.clear();
            if (s != null && !s.closed) {
                for (byte[] k : keys) {
                    send(s, k == null ? nullOf(s) : r -> {
                        r.array(1);
                        r.bulk(k);
                    });
                }
            }
        }
        if (broadcastPending && s != null) {
            scheduleBroadcast(s);
        }
        current = previous;
        currentCmd = null;
        currentArgv = null;
    }

    /** Sends the BCAST invalidations after the current batch of reads on {@code s}'s event loop. */
    private void scheduleBroadcast(Session s) {
        if (broadcastScheduled) {
            return;
        }
        if (s.transport instanceof DetachedTransport) {
            broadcastIfPending(); // a master's stream or the AOF: no event loop to wait for
            return;
        }
        broadcastScheduled = true;
        SessionTransport loop = s.transport;
        loop.execute(() -> broadcastLater(loop));
    }

    private void broadcastLater(SessionTransport loop) {
        if (!server.lockOrDeferForScript(loop, () -> broadcastLater(loop))) {
            return;
        }
        try {
            broadcastScheduled = false;
            broadcastIfPending();
        } finally {
            server.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ enabling and disabling

    /** Number of clients with tracking on (INFO tracking_clients). */
    public int clients() {
        return trackingClients.size();
    }

    public long totalKeys() {
        return table == null ? 0 : table.size();
    }

    public long totalItems() {
        return totalItems;
    }

    public long totalPrefixes() {
        return prefixTable.size();
    }

    /**
     * checkPrefixCollisionsOrReply(): throws Redis's error for the first new prefix (in the order
     * given) overlapping one the client has, or a later new one (see TrackingPrefixCheck).
     */
    public static void checkPrefixCollisions(Mode m, List<byte[]> prefixes) {
        TrackingPrefixCheck.check(m, prefixes);
    }

    /** enableTracking(): the caller checked the options. */
    public void enable(Session c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                       List<byte[]> prefixes) {
        Mode m = c.tracking;
        trackingClients.add(c);
        m.on = true;
        m.brokenRedirect = false;
        m.bcast = false;
        m.optin = false;
        m.optout = false;
        m.noloop = false;
        m.redirect = redirect;
        if (table == null) {
            table = new HashMap<>();
        }
        if (bcast) {
            m.bcast = true;
            if (prefixes.isEmpty()) {
                enableBcastPrefix(c, new byte[0]);
            }
            for (byte[] p : prefixes) {
                enableBcastPrefix(c, p);
            }
        }
        m.optin = optin;
        m.optout = optout;
        m.noloop = noloop;
    }

    private void enableBcastPrefix(Session c, byte[] prefix) {
        ByteString p = new ByteString(prefix);
        Prefix state = prefixTable.computeIfAbsent(p, x -> new Prefix());
        if (state.clients.add(c)) {
            if (c.tracking.prefixes == null) {
                c.tracking.prefixes = new TreeSet<>();
            }
            c.tracking.prefixes.add(p);
        }
    }

    /**
     * disableTracking(): the client leaves its prefixes; its IDs stay in the table and are
     * skipped when met (removing them now would cost the size of what it read).
     */
    public void disable(Session c) {
        Mode m = c.tracking;
        if (m.bcast && m.prefixes != null) {
            for (ByteString p : m.prefixes) {
                Prefix state = prefixTable.get(p);
                if (state != null) {
                    state.clients.remove(c);
                    if (state.clients.isEmpty()) {
                        prefixTable.remove(p);
                    }
                }
            }
            m.prefixes = null;
        }
        if (m.on) {
            trackingClients.remove(c);
            m.on = false;
            m.brokenRedirect = false;
            m.bcast = false;
            m.optin = false;
            m.optout = false;
            m.caching = false;
            m.noloop = false;
        }
    }

    // ------------------------------------------------------------------ reads

    /**
     * After a command ran (call()): a read-only command of a tracking client (not BCAST) puts
     * its keys in the table. A script's reads remember the keys its caller declared (Redis 7.0
     * takes them from the caller's EVAL); EVAL_RO and FCALL_RO themselves remember nothing.
     */
    void afterCommand(Session s, CommandSpec cmd, byte[][] argv) {
        if (current == null || !cmd.has(CommandFlag.READONLY)) {
            return;
        }
        switch (cmd.fullName) {
            case "eval_ro": case "evalsha_ro": case "fcall_ro":
                return;
            default:
        }
        Session caller = current;
        Mode m = caller.tracking;
        if (!m.on || m.bcast) {
            return;
        }
        if (s != caller) {
            // a script's call: the keys are those of the caller's request
            cmd = currentCmd;
            argv = currentArgv;
            if (cmd == null) {
                return;
            }
        }
        rememberKeys(caller, cmd, argv);
    }

    /** trackingRememberKeys(). */
    private void rememberKeys(Session c, CommandSpec cmd, byte[][] argv) {
        Mode m = c.tracking;
        if ((m.optin && !m.caching) || (m.optout && m.caching)) {
            return;
        }
        if (cmd.has(CommandFlag.PUBSUB)) {
            return; // shard channels are keys in the table, not cached values
        }
        KeyExtractor.Keys keys = KeyExtractor.keys(cmd, argv, argv.length);
        for (int j = 0; j < keys.count(); j++) {
            ByteString key = new ByteString(argv[keys.position(j)]);
            TrackedKey tk = table.get(key);
            if (tk == null) {
                tk = new TrackedKey(key);
                tk.index = order.size();
                order.add(tk);
                table.put(key, tk);
            }
            if (tk.ids.add(c.id)) {
                totalItems++;
                if (tk.ids.size() >= tk.pruneAt) {
                    pruneGone(tk);
                }
            }
        }
    }

    /**
     * Drops the IDs of clients that are gone from a key's set (Redis keeps them until the key is
     * invalidated, so clients that connect, read a popular key that is never written and leave
     * grow its set without bound; valkey #4143). Run each time the set doubled since the last
     * pass, so the cost is amortised O(1) per remembered read and a set holds at most twice the
     * live clients that read the key.
     */
    private void pruneGone(TrackedKey tk) {
        int before = tk.ids.size();
        tk.ids.removeIf(id -> server.sessions.get(id) == null);
        totalItems -= before - tk.ids.size();
        tk.pruneAt = Math.max(8, tk.ids.size() * 2);
    }

    /** resetClient(): CLIENT CACHING lasts one command, or one transaction, CLIENT commands aside. */
    static void afterRequest(Session s) {
        if (s.tracking.caching && !s.inMulti() && !s.lastCommand.startsWith("client|")) {
            s.tracking.caching = false;
        }
    }

    // ------------------------------------------------------------------ invalidation

    /**
     * trackingInvalidateKey(): a key changed ({@code bcast}), or is forgotten by the table
     * (eviction): the clients that may cache it are told, except a NOLOOP client about its own
     * change; the executing client is told after its reply.
     */
    public void invalidateKey(byte[] key, boolean bcast) {
        if (table == null) {
            return;
        }
        if (bcast && !prefixTable.isEmpty()) {
            rememberKeyToBroadcast(key);
        }
        if (table.isEmpty()) {
            return;
        }
        TrackedKey tk = table.remove(new ByteString(key));
        if (tk == null) {
            return;
        }
        dropFromOrder(tk);
        for (long id : tk.ids) {
            Session target = server.sessions.get(id);
            if (target == null || !target.tracking.on || target.tracking.bcast) {
                continue;
            }
            if (target.tracking.noloop && target == current) {
                continue;
            }
            if (target == current && server.executionDepth > 0) {
                pendingForCurrent.add(key);
            } else {
                send(target, r -> {
                    r.array(1);
                    r.bulk(key);
                });
            }
        }
        totalItems -= tk.ids.size();
    }

    private void dropFromOrder(TrackedKey tk) {
        TrackedKey last = order.remove(order.size() - 1);
        if (last != tk) {
            order.set(tk.index, last);
            last.index = tk.index;
        }
    }

    /**
     * trackingRememberKeyToBroadcast(): the key is noted under every BCAST prefix it starts
     * with. Found by walking down the prefix table (each step a shorter probe), so a client
     * with many prefixes does not make every write scan them all.
     */
    private void rememberKeyToBroadcast(byte[] key) {
        ByteString k = new ByteString(key);
        int probeLen = key.length;
        ByteString probe = k;
        while (true) {
            Map.Entry<ByteString, Prefix> e = prefixTable.floorEntry(probe);
            if (e == null) {
                return;
            }
            byte[] p = e.getKey().bytes;
            int common = Arrays.mismatch(p, 0, p.length, key, 0, probeLen);
            if (common < 0 || common == p.length) {
                e.getValue().keys.put(k, current); // p is a prefix of the key
                broadcastPending = true;
                if (p.length == 0) {
                    return;
                }
                probeLen = p.length - 1;
            } else {
                probeLen = common;
            }
            probe = new ByteString(Arrays.copyOf(key, probeLen));
        }
    }

    /**
     * The null of a flush invalidation, in the protocol of the tracking client (shared.null[c->resp]),
     * even when it goes to a redirect target speaking the other one, as Redis 7.0 sends it.
     */
    private static Consumer<Reply> nullOf(Session c) {
        byte[] raw = c.protocol() > 2 ? NULL3 : NULL2;
        return r -> r.raw(raw);
    }

    private static final byte[] NULL2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

    /** trackingInvalidateKeysOnFlush(): every tracking client is told all keys are invalid. */
    public void invalidateAllOnFlush() {
        for (Session c : new ArrayList<>(trackingClients)) {
            if (c == current && server.executionDepth > 0) {
                pendingForCurrent.add(null);
            } else {
                send(c, nullOf(c));
            }
        }
        if (table != null) {
            table = new HashMap<>();
            order.clear();
            totalItems = 0;
        }
    }

    /**
     * trackingLimitUsedSlots() (before each command while clients track): over
     * tracking-table-max-keys, random keys are forgotten, their clients told; the effort grows
     * each time the table is still over the limit.
     */
    void limitUsedSlots() {
        long max = maxKeys;
        if (table == null || max == 0) {
            return;
        }
        if (table.size() <= max) {
            limitTimeoutCounter = 0;
            return;
        }
        int effort = 100 * (limitTimeoutCounter + 1);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (effort-- > 0 && !order.isEmpty()) {
            TrackedKey tk = order.get(random.nextInt(order.size()));
            invalidateKey(tk.key.bytes, false);
            if (table.size() <= max) {
                limitTimeoutCounter = 0;
                return;
            }
        }
        limitTimeoutCounter++;
    }

    /** trackingBroadcastInvalidationMessages() (beforeSleep): each prefix's keys to its clients. */
    public void broadcastIfPending() {
        if (!broadcastPending) {
            return;
        }
        broadcastPending = false;
        if (trackingClients.isEmpty()) {
            return;
        }
        for (Prefix state : prefixTable.values()) {
            if (state.keys.isEmpty()) {
                continue;
            }
            TreeMap<ByteString, Session> keys = state.keys;
            state.keys = new TreeMap<>();
            List<byte[]> all = new ArrayList<>(keys.size());
            for (ByteString k : keys.keySet()) {
                all.add(k.bytes);
            }
            for (Session c : new ArrayList<>(state.clients)) {
                List<byte[]> list = all;
                if (c.tracking.noloop) {
                    list = new ArrayList<>();
                    for (Map.Entry<ByteString, Session> e : keys.entrySet()) {
                        if (e.getValue() != c) {
                            list.add(e.getKey().bytes);
                        }
                    }
                    if (list.isEmpty()) {
                        continue;
                    }
                }
                List<byte[]> sent = list;
                send(c, r -> {
                    r.array(sent.size());
                    for (byte[] k : sent) {
                        r.bulk(k);
                    }
                });
            }
        }
    }

    /**
     * sendTrackingMessage(): to the client, or to the one it redirects to; RESP3 gets a push,
     * a RESP2 redirect target subscribed to anything a message on __redis__:invalidate, others
     * nothing. A redirect target that is gone marks the redirect broken (and says so on RESP3).
     * Output limits apply as to any push (Session.deliver).
     */
    private void send(Session c, Consumer<Reply> keys) {
        Session target = c;
        boolean redirected = false;
        long redirect = c.tracking.redirect;
        if (redirect != 0) {
            Session r = server.sessions.get(redirect);
            if (r == null) {
                c.tracking.brokenRedirect = true;
                if (c.protocol() > 2) {
                    c.trackingPushTarget = true;
                    c.deliver(out -> {
                        out.push(2);
                        out.bulk(REDIR_BROKEN);
                        out.integer(redirect);
                    });
                }
                return;
            }
            target = r;
            redirected = true;
        }
        if (target.protocol() > 2) {
            target.trackingPushTarget = true;
            target.deliver(out -> {
                out.push(2);
                out.bulk(INVALIDATE);
                keys.accept(out);
            });
        } else if (redirected && target.isSubscriber()) {
            target.trackingPushTarget = true;
            target.deliver(out -> {
                out.push(3);
                out.bulk(MESSAGE);
                out.bulk(CHANNEL);
                keys.accept(out);
            });
        }
    }
}
