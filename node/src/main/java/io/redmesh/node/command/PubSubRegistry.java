package io.redmesh.node.command;

import io.redmesh.node.util.GlobPattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Channel and pattern subscriptions of the whole server (Redis's pubsub.c dictionaries):
 * channel -> subscribers, pattern -> subscribers. Sessions keep their own side of it.
 */
public final class PubSubRegistry {
    private final Map<ByteString, Set<Session>> channels = new HashMap<>();
    private final Map<ByteString, Set<Session>> patterns = new LinkedHashMap<>();
    /** Each subscribed pattern compiled once: every PUBLISH matches the channel against all of them. */
    private final Map<ByteString, GlobPattern> compiled = new HashMap<>();

    /** Returns true if newly subscribed. */
    public boolean subscribe(Session s, byte[] channel) {
        ByteString c = new ByteString(channel);
        if (!s.channels.add(c)) {
            return false;
        }
        channels.computeIfAbsent(c, x -> new LinkedHashSet<>()).add(s);
        return true;
    }

    public boolean unsubscribe(Session s, ByteString c) {
        if (!s.channels.remove(c)) {
            return false;
        }
        Set<Session> set = channels.get(c);
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                channels.remove(c);
            }
        }
        return true;
    }

    public boolean psubscribe(Session s, byte[] pattern) {
        ByteString p = new ByteString(pattern);
        if (!s.patterns.add(p)) {
            return false;
        }
        patterns.computeIfAbsent(p, x -> new LinkedHashSet<>()).add(s);
        compiled.computeIfAbsent(p, x -> GlobPattern.compile(pattern));
        return true;
    }

    public boolean punsubscribe(Session s, ByteString p) {
        if (!s.patterns.remove(p)) {
            return false;
        }
        Set<Session> set = patterns.get(p);
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                patterns.remove(p);
                compiled.remove(p);
            }
        }
        return true;
    }

    /** Told about each PUBLISH a client of this node ran (cluster mode forwards it over the bus). */
    private volatile java.util.function.BiConsumer<byte[], byte[]> publishListener;

    public void publishListener(java.util.function.BiConsumer<byte[], byte[]> l) {
        publishListener = l;
    }

    /** A client's PUBLISH was delivered here; the listener (if any) takes it further. */
    public void published(byte[] channel, byte[] message) {
        java.util.function.BiConsumer<byte[], byte[]> l = publishListener;
        if (l != null) {
            l.accept(channel, message);
        }
    }

    /** PUBLISH: delivers to channel then pattern subscribers; returns the receiver count. */
    public int publish(byte[] channel, byte[] message) {
        int receivers = 0;
        Set<Session> subs = channels.get(new ByteString(channel));
        if (subs != null) {
            for (Session s : subs) {
                s.deliver(r -> {
                    r.push(3);
                    r.bulk(MESSAGE);
                    r.bulk(channel);
                    r.bulk(message);
                });
                receivers++;
            }
        }
        if (!patterns.isEmpty()) {
            for (Map.Entry<ByteString, Set<Session>> e : patterns.entrySet()) {
                byte[] pat = e.getKey().bytes;
                if (!compiled.get(e.getKey()).matches(channel)) {
                    continue;
                }
                for (Session s : e.getValue()) {
                    s.deliver(r -> {
                        r.push(4);
                        r.bulk(PMESSAGE);
                        r.bulk(pat);
                        r.bulk(channel);
                        r.bulk(message);
                    });
                    receivers++;
                }
            }
        }
        return receivers;
    }

    private static final byte[] MESSAGE = "message".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PMESSAGE = "pmessage".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public List<byte[]> channels(byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        GlobPattern glob = pattern == null ? null : GlobPattern.compile(pattern);
        for (ByteString c : channels.keySet()) {
            if (glob == null || glob.matches(c.bytes)) {
                out.add(c.bytes);
            }
        }
        return out;
    }

    public int subscribers(byte[] channel) {
        Set<Session> s = channels.get(new ByteString(channel));
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    /** Sessions subscribed to a channel (for ACL re-checks later). */
    public Set<Session> subscribersOf(ByteString channel) {
        return channels.getOrDefault(channel, Set.of());
    }
}
