package io.redmesh.node.acl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * The ACL security log (Redis 7.0's ACLLog): newest first, at most acllog-max-len entries.
 * A new entry similar to one of the 10 most recent (same reason, context, object and user,
 * within 60 seconds) bumps that entry's count, refreshes its client info and time, and moves
 * it to the front instead of adding a line. Entries never hold passwords: the object of an
 * "auth" entry is the command name (AUTH / HELLO), as in Redis.
 */
public final class AclLog {
    static final long GROUPING_MAX_TIME_DELTA_MS = 60_000;
    private static final int SCAN_FOR_MATCH = 10;

    /** One entry. {@code reason} is "command", "key", "channel", "auth" or a custom one ("tls-cert"). */
    public static final class Entry {
        public long count;
        public final String reason;
        public final String context;
        public final String object;
        public final String username;
        /** Milliseconds of the last update (Redis's ctime). */
        public long updatedMillis;
        public final long createdMillis;
        /** Unique and increasing (what Redis 7.2 prints as entry-id; 7.0 does not print it). */
        public final long entryId;
        public String clientInfo;

        Entry(String reason, String context, String object, String username, long now, String clientInfo, long id) {
            this.count = 1;
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.updatedMillis = now;
            this.createdMillis = now;
            this.clientInfo = clientInfo;
            this.entryId = id;
        }

        boolean similar(Entry o) {
            return reason.equals(o.reason) && context.equals(o.context)
                    && Math.abs(updatedMillis - o.updatedMillis) <= GROUPING_MAX_TIME_DELTA_MS
                    && object.equals(o.object) && username.equals(o.username);
        }
    }

    private final LinkedList<Entry> entries = new LinkedList<>();
    private long nextId;

    /** addACLLogEntry(). */
    public synchronized void add(String reason, String context, String object, String username, String clientInfo,
                                 long now, long maxLen) {
        Entry e = new Entry(reason, context, object, username, now, clientInfo, nextId);
        int scanned = 0;
        for (Iterator<Entry> it = entries.iterator(); it.hasNext() && scanned < SCAN_FOR_MATCH; scanned++) {
            Entry cur = it.next();
            if (cur.similar(e)) {
                it.remove();
                cur.clientInfo = clientInfo;
                cur.updatedMillis = now;
                cur.count++;
                entries.addFirst(cur);
                return;
            }
        }
        nextId++;
        entries.addFirst(e);
        trim(maxLen);
    }

    /** Drops the oldest entries beyond {@code maxLen} (acllog-max-len). */
    public synchronized void trim(long maxLen) {
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public synchronized void reset() {
        entries.clear();
    }

    /** The newest {@code count} entries (copies of the list, entries shared). */
    public synchronized List<Entry> newest(long count) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (out.size() >= count) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public synchronized int size() {
        return entries.size();
    }
}
