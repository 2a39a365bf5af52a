package io.redmesh.node.util;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Lets one log line per key (a peer address, a certificate subject) through per interval and
 * counts the rest, so that a peer retrying every second cannot flood the log
 * (redis/redis#8789). The next line let through for that key says how many were left out. The
 * table is bounded: when full, keys past their interval are dropped, and if none is, new keys
 * share one entry ("other peers"), still let through once per interval.
 */
public final class LogLimiter {
    static final String OTHERS = "other peers";

    private final long intervalMillis;
    private final int maxKeys;
    private final Map<String, Entry> entries = new HashMap<>();

    private static final class Entry {
        long loggedAt = Long.MIN_VALUE;
        long suppressed;
    }

    public LogLimiter(long intervalMillis, int maxKeys) {
        this.intervalMillis = intervalMillis;
        this.maxKeys = maxKeys;
    }

    /**
     * Null when {@code key} was let through less than an interval before {@code now} (counted);
     * otherwise the text to append to the line: "" or "; N more from KEY in the last S s not logged".
     */
    public synchronized String admit(String key, long now) {
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= maxKeys) {
                entries.values().removeIf(old -> now - old.loggedAt >= intervalMillis);
            }
            if (entries.size() >= maxKeys) {
                key = OTHERS;
            }
            e = entries.computeIfAbsent(key, k -> new Entry());
        }
        if (e.loggedAt != Long.MIN_VALUE && now - e.loggedAt < intervalMillis) {
            e.suppressed++;
            return null;
        }
        String more = e.suppressed == 0 ? "" : "; " + e.suppressed + " more from " + key + " in the last "
                + (now - e.loggedAt) / 1000 + " s not logged";
        e.loggedAt = now;
        e.suppressed = 0;
        return more;
    }

    /** How many keys are tracked (bounded by maxKeys + 1). */
    public synchronized int size() {
        return entries.size();
    }
}
