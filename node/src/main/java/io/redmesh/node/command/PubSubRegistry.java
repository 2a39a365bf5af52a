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
        return add(channels, s.channels, new ByteString(channel), s);
    }

    public boolean unsubscribe(Session s, ByteString c) {
        return remove(channels, s.channels, c, s);
    }

    /** Adds {@code c} to the session's own set and the server's index; false if it was there. */
    private static boolean add(Map<ByteString, Set<Session>> index, Set<ByteString> own, ByteString c, Session s) {
        if (!own.add(c)) {
            return false;
        }
        index.computeIfAbsent(c, x -> new LinkedHashSet<>()).add(s);
        return true;
    }

    /** The reverse of {@link #add}; an index entry left without subscribers goes. */
    private static boolean remove(Map<ByteString, Set<Session>> index, Set<ByteString> own, ByteString c, Session s) {
        if (!own.remove(c)) {
            return false;
        }
        Set<Session> set = index.get(c);
        if (set != null) {
            set.remove(s);
            if (set.isEmpty()) {
                index.remove(c);
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
        return matching(channels, pattern);
    }

    public int subscribers(byte[] channel) {
        return count(channels, channel);
    }

    /** The index's channels matching {@code pattern} (all when null): PUBSUB (SHARD)CHANNELS. */
    private static List<byte[]> matching(Map<ByteString, Set<Session>> index, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        GlobPattern glob = pattern == null ? null : GlobPattern.compile(pattern);
        for (ByteString c : index.keySet()) {
            if (glob == null || glob.matches(c.bytes)) {
                out.add(c.bytes);
            }
        }
        return out;
    }

    private static int count(Map<ByteString, Set<Session>> index, byte[] channel) {
        Set<Session> s = index.get(new ByteString(channel));
        return s == null ? 0 : s.size();
    }

    public int patternCount() {
        return patterns.size();
    }

    public int channelCount() {
        return channels.size();
    }

    // ------------------------------------------------------------------ sharded pub/sub (7.0)

    /** Shard channel -> subscribers (Redis's server.pubsubshard_channels). */
    private final Map<ByteString, Set<Session>> shardChannels = new HashMap<>();
    private static final byte[] SMESSAGE = "smessage".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private volatile java.util.function.BiConsumer<byte[], byte[]> shardPublishListener;

    /** SSUBSCRIBE of one channel; returns true if newly subscribed. */
    public boolean ssubscribe(Session s, byte[] channel) {
        return add(shardChannels, s.shardChannels, new ByteString(channel), s);
    }

    public boolean sunsubscribe(Session s, ByteString c) {
        return remove(shardChannels, s.shardChannels, c, s);
    }

    /** SPUBLISH: delivers to the shard channel's subscribers only (patterns never see it). */
    public int spublish(byte[] channel, byte[] message) {
        Set<Session> subs = shardChannels.get(new ByteString(channel));
        if (subs == null) {
            return 0;
        }
        for (Session s : subs) {
            s.deliver(r -> {
                r.push(3);
                r.bulk(SMESSAGE);
                r.bulk(channel);
                r.bulk(message);
            });
        }
        return subs.size();
    }

    /** Told about each SPUBLISH a client of this node ran (cluster mode sends it to the shard). */
    public void shardPublishListener(java.util.function.BiConsumer<byte[], byte[]> l) {
        shardPublishListener = l;
    }

    public void shardPublished(byte[] channel, byte[] message) {
        java.util.function.BiConsumer<byte[], byte[]> l = shardPublishListener;
        if (l != null) {
            l.accept(channel, message);
        }
    }

    public List<byte[]> shardChannels(byte[] pattern) {
        return matching(shardChannels, pattern);
    }

    public int shardSubscribers(byte[] channel) {
        return count(shardChannels, channel);
    }

    /**
     * removeChannelsInSlot: the shard channels {@code lost} says this node no longer serves are
     * dropped, each subscriber told with a "sunsubscribe" push, as Redis 7.0 does when a slot
     * moves away (the client then subscribes again where -MOVED sends it).
     */
    public void dropShardChannels(java.util.function.Predicate<byte[]> lost) {
        for (ByteString c : new ArrayList<>(shardChannels.keySet())) {
            if (!lost.test(c.bytes)) {
                continue;
            }
            for (Session s : new ArrayList<>(shardChannels.get(c))) {
                sunsubscribe(s, c);
                int left = s.shardChannels.size();
                s.deliver(r -> {
                    r.push(3);
                    r.bulk("sunsubscribe");
                    r.bulk(c.bytes);
                    r.integer(left);
                });
            }
        }
    }

    /** Sessions subscribed to a channel (for ACL re-checks later). */
    public Set<Session> subscribersOf(ByteString channel) {
        return channels.getOrDefault(channel, Set.of());
    }
}
