package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessages;
import io.lettuce.core.protocol.ProtocolVersion;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamFullInfo;
import redis.clients.jedis.resps.StreamInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

/**
 * Stream consumer groups as applications drive them through Jedis and Lettuce, RESP2 and RESP3:
 * two consumers in XREADGROUP BLOCK while a producer adds entries, each entry delivered once and
 * acknowledged with XACK, nothing left pending; then a crashed consumer's entries taken over with
 * XAUTOCLAIM, and the client libraries' parsers of XPENDING and XINFO fed our replies.
 */
class StreamConsumerGroupClientsTest {
    private static final int ENTRIES = 300;
    private static ClientServer server;
    private static LettuceSupport lettuce;

    @BeforeAll
    static void start() {
        server = ClientServer.start();
        lettuce = new LettuceSupport(server);
    }

    @AfterAll
    static void stop() {
        try {
            lettuce.close();
            server.assertHealthy();
        } finally {
            server.close();
        }
    }

    /** One consumer: XREADGROUP BLOCK + XACK until it has seen {@code expected} entries in total. */
    private static Set<String> consume(ClientServer s, RedisProtocol p, String key, String name, Set<String> seenByAll)
            throws Exception {
        Set<String> mine = new HashSet<>();
        try (Jedis j = JedisSupport.connect(s, p)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                synchronized (seenByAll) {
                    if (seenByAll.size() >= ENTRIES) {
                        return mine;
                    }
                }
                List<Map.Entry<String, List<StreamEntry>>> got = j.xreadGroup("g", name,
                        XReadGroupParams.xReadGroupParams().count(7).block(200),
                        Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
                if (got == null) {
                    continue;
                }
                for (Map.Entry<String, List<StreamEntry>> e : got) {
                    for (StreamEntry entry : e.getValue()) {
                        assertEquals(1, j.xack(key, "g", entry.getID()));
                        mine.add(entry.getFields().get("n"));
                        synchronized (seenByAll) {
                            assertTrue(seenByAll.add(entry.getFields().get("n")), "delivered twice: " + entry);
                        }
                    }
                }
            }
        }
        throw new AssertionError(name + " ran out of time");
    }

    @ParameterizedTest
    @EnumSource(value = RedisProtocol.class, names = {"RESP2", "RESP3"})
    void jedisConsumersShareTheStream(RedisProtocol p) throws Exception {
        String key = "jobs-" + p;
        try (Jedis admin = JedisSupport.connect(server, p)) {
            assertEquals("OK", admin.xgroupCreate(key, "g", StreamEntryID.XGROUP_LAST_ENTRY, true));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Set<String> seen = new HashSet<>();
                Future<Set<String>> a = pool.submit(() -> consume(server, p, key, "alice", seen));
                Future<Set<String>> b = pool.submit(() -> consume(server, p, key, "bob", seen));
                for (int i = 0; i < ENTRIES; i++) {
                    admin.xadd(key, XAddParams.xAddParams().maxLen(10_000), Map.of("n", Integer.toString(i)));
                }
                int total = a.get(30, TimeUnit.SECONDS).size() + b.get(30, TimeUnit.SECONDS).size();
                assertEquals(ENTRIES, total);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
            StreamPendingSummary pending = admin.xpending(key, "g");
            assertEquals(0, pending.getTotal());
            StreamInfo info = admin.xinfoStream(key);
            assertEquals(ENTRIES, info.getLength());
            assertEquals(1, info.getGroups());
            // A consumer that read and died: its entries are claimed by another.
            admin.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("n", "late"));
            admin.xreadGroup("g", "crashed", XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(key, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            assertEquals(1, admin.xpending(key, "g", XPendingParams.xPendingParams().count(10)).size());
            Map.Entry<StreamEntryID, List<StreamEntry>> claimed = admin.xautoclaim(key, "g", "alice", 0,
                    new StreamEntryID(), XAutoClaimParams.xAutoClaimParams().count(10));
            assertEquals("late", claimed.getValue().get(0).getFields().get("n"));
            StreamFullInfo full = admin.xinfoStreamFull(key, 5);
            assertEquals(5, full.getEntries().size());
            assertEquals("g", full.getGroups().get(0).getName());
        }
    }

    /**
     * RESP3 only (Lettuce's default): Lettuce 7.2.3 on RESP2 returns only part of the entries
     * XREADGROUP delivers (blocking or not), against redis-server 7.0.15 just the same (measured:
     * 27 to 43 of 100 acknowledged, the rest left pending), so RESP2 cannot pass with either server.
     */
    @org.junit.jupiter.api.Test
    void lettuceBlockingConsumerAcknowledges() throws Exception {
        ProtocolVersion protocol = ProtocolVersion.RESP3;
        String key = "events-" + protocol;
        RedisClient client = lettuce.client(protocol);
        try (StatefulRedisConnection<String, String> producer = client.connect();
             StatefulRedisConnection<String, String> consumer = client.connect()) {
            RedisCommands<String, String> p = producer.sync();
            RedisCommands<String, String> c = consumer.sync();
            assertEquals("OK", p.xgroupCreate(XReadArgs.StreamOffset.from(key, "$"), "g",
                    XGroupCreateArgs.Builder.mkstream()));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Integer> read = pool.submit(() -> {
                    int acked = 0;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (acked < 100 && System.nanoTime() < deadline) {
                        List<StreamMessage<String, String>> got = c.xreadgroup(Consumer.from("g", "worker"),
                                XReadArgs.Builder.block(500).count(10), XReadArgs.StreamOffset.lastConsumed(key));
                        for (StreamMessage<String, String> m : got) {
                            acked += c.xack(key, "g", m.getId()).intValue();
                        }
                    }
                    return acked;
                });
                for (int i = 0; i < 100; i++) {
                    p.xadd(key, Map.of("i", Integer.toString(i)));
                }
                int acked = read.get(30, TimeUnit.SECONDS);
                assertEquals(100, acked, () -> "stream: " + p.xinfoGroups(key) + " pending " + p.xpending(key, "g")
                        + " len " + p.xlen(key) + " last " + p.xrevrange(key, io.lettuce.core.Range.create("-", "+"),
                        io.lettuce.core.Limit.from(2)));
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
            PendingMessages pending = p.xpending(key, "g");
            assertEquals(0L, (long) pending.getCount());
            assertEquals(100, p.xlen(key));
            assertEquals(100, p.xrange(key, io.lettuce.core.Range.create("-", "+")).size());
            p.xadd(key, Map.of("i", "orphan"));
            c.xreadgroup(Consumer.from("g", "gone"), XReadArgs.StreamOffset.lastConsumed(key));
            ClaimedMessages<String, String> claimed = p.xautoclaim(key,
                    XAutoClaimArgs.Builder.xautoclaim(Consumer.from("g", "worker"), 0, "0-0").count(5));
            assertEquals("orphan", claimed.getMessages().get(0).getBody().get("i"));
            assertEquals(2, p.xinfoConsumers(key, "g").size());
        }
    }
}
