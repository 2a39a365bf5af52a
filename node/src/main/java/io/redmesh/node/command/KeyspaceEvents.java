package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications (Redis's notify.c): when {@code notify-keyspace-events} selects an
 * event's class, the event is published on {@code __keyspace@<db>__:<key>} (message: the event
 * name) and/or {@code __keyevent@<db>__:<event>} (message: the key), in that order, to this
 * node's subscribers only (as Redis, never over the cluster bus). Commands call
 * {@link CommandContext#notify}; expiry, eviction, new keys and misses come from the keyspace.
 * Costs one test of a bit mask when the class is not selected. Under the server lock.
 */
public final class KeyspaceEvents {
    public static final int KEYSPACE = 1;
    public static final int KEYEVENT = 1 << 1;
    public static final int GENERIC = 1 << 2;
    public static final int STRING = 1 << 3;
    public static final int LIST = 1 << 4;
    public static final int SET = 1 << 5;
    public static final int HASH = 1 << 6;
    public static final int ZSET = 1 << 7;
    public static final int EXPIRED = 1 << 8;
    public static final int EVICTED = 1 << 9;
    public static final int STREAM = 1 << 10;
    public static final int KEY_MISS = 1 << 11;
    public static final int MODULE = 1 << 12;
    public static final int NEW = 1 << 13;

    private final PubSubRegistry pubsub;
    private int flags;

    KeyspaceEvents(ServerConfig config, PubSubRegistry pubsub) {
        this.pubsub = pubsub;
        config.onChange("notify-keyspace-events", v -> flags = parse(String.valueOf(v)));
    }

    /** keyspaceEventsStringToFlags() of the canonical form CONFIG keeps. */
    static int parse(String s) {
        int f = 0;
        for (char c : s.toCharArray()) {
            f |= switch (c) {
                case 'A' -> GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> 0;
            };
        }
        return f;
    }

    /** Whether events of {@code type} are published at all (callers may skip building them). */
    public boolean enabled(int type) {
        return (flags & type) != 0 && (flags & (KEYSPACE | KEYEVENT)) != 0;
    }

    /** notifyKeyspaceEvent(). */
    public void notify(int type, String event, byte[] key, int dbid) {
        if (!enabled(type)) {
            return;
        }
        byte[] name = event.getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            pubsub.publish(concat("__keyspace@" + dbid + "__:", key), name);
        }
        if ((flags & KEYEVENT) != 0) {
            pubsub.publish(concat("__keyevent@" + dbid + "__:", name), key);
        }
    }

    private static byte[] concat(String prefix, byte[] tail) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[p.length + tail.length];
        System.arraycopy(p, 0, out, 0, p.length);
        System.arraycopy(tail, 0, out, p.length, tail.length);
        return out;
    }
}
