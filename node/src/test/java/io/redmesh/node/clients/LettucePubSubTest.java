package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.reactive.ChannelMessage;
import io.lettuce.core.pubsub.api.sync.RedisPubSubCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;

/**
 * Lettuce pub/sub: on RESP3 confirmations and messages are push frames, and the subscribed
 * connection may still run ordinary commands; on RESP2 they are arrays and ordinary commands are
 * refused with Redis's error. Listener callbacks, the reactive observeChannels stream, binary
 * channels and payloads.
 */
class LettucePubSubTest {
    private static final long WAIT_SECONDS = 5;
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

    static final class Recorder implements RedisPubSubListener<String, String> {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void message(String channel, String message) {
            events.add("message " + channel + " " + message);
        }

        @Override
        public void message(String pattern, String channel, String message) {
            events.add("pmessage " + pattern + " " + channel + " " + message);
        }

        @Override
        public void subscribed(String channel, long count) {
            events.add("subscribe " + channel + " " + count);
        }

        @Override
        public void psubscribed(String pattern, long count) {
            events.add("psubscribe " + pattern + " " + count);
        }

        @Override
        public void unsubscribed(String channel, long count) {
            events.add("unsubscribe " + channel + " " + count);
        }

        @Override
        public void punsubscribed(String pattern, long count) {
            events.add("punsubscribe " + pattern + " " + count);
        }

        String next() throws InterruptedException {
            String e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(e, "no pub/sub event within " + WAIT_SECONDS + "s");
            return e;
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void listenerReceivesChannelAndPatternMessages(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisPubSubConnection<String, String> sub = lettuce.client(protocol).connectPubSub();
                StatefulRedisConnection<String, String> pub = lettuce.client(protocol).connect()) {
            Recorder r = new Recorder();
            sub.addListener(r);
            RedisPubSubCommands<String, String> s = sub.sync();
            s.subscribe("orders", "alerts");
            assertEquals("subscribe orders 1", r.next());
            assertEquals("subscribe alerts 2", r.next());
            s.psubscribe("order*");
            assertEquals("psubscribe order* 3", r.next());

            assertEquals(2L, pub.sync().publish("orders", "o-1"));
            assertEquals("message orders o-1", r.next());
            assertEquals("pmessage order* orders o-1", r.next());
            assertEquals(1L, pub.sync().publish("alerts", "fire"));
            assertEquals("message alerts fire", r.next());
            assertEquals(Map.of("orders", 1L), pub.sync().pubsubNumsub("orders"));
            assertEquals(1L, pub.sync().pubsubNumpat());

            if (protocol == ProtocolVersion.RESP3) {
                // RESP3 keeps replies and pushes apart, so the subscribed connection still works
                pub.sync().set("while-subscribed", "yes");
                assertEquals("yes", s.get("while-subscribed"));
                assertEquals("PONG", s.ping());
            } else {
                // on RESP2 Lettuce itself refuses before sending (the server would refuse too)
                RedisException refused = assertThrows(RedisException.class, () -> s.get("while-subscribed"));
                assertTrue(refused.getMessage().contains("not allowed while subscribed"), refused.getMessage());
                // a subscribed RESP2 PING answers ["pong", ""]; Lettuce returns the second element
                assertEquals("", s.ping());
            }

            for (int i = 0; i < 300; i++) {
                pub.async().publish("alerts", "a" + i);
            }
            for (int i = 0; i < 300; i++) {
                assertEquals("message alerts a" + i, r.next());
            }

            s.unsubscribe("alerts");
            assertEquals("unsubscribe alerts 2", r.next());
            s.punsubscribe();
            assertEquals("punsubscribe order* 1", r.next());
            s.unsubscribe();
            assertEquals("unsubscribe orders 0", r.next());
            assertEquals(0L, pub.sync().publish("orders", "nobody"));
            assertNull(r.events.poll(50, TimeUnit.MILLISECONDS));
            assertEquals("PONG", s.ping());
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void reactiveObserveChannels(ProtocolVersion protocol) throws Exception {
        try (StatefulRedisPubSubConnection<String, String> sub = lettuce.client(protocol).connectPubSub();
                StatefulRedisConnection<String, String> pub = lettuce.client(protocol).connect()) {
            BlockingQueue<ChannelMessage<String, String>> got = new LinkedBlockingQueue<>();
            Disposable d = sub.reactive().observeChannels().subscribe(got::add);
            try {
                sub.reactive().subscribe("ticks").block(Duration.ofSeconds(WAIT_SECONDS));
                for (int i = 0; i < 50; i++) {
                    pub.sync().publish("ticks", Integer.toString(i));
                }
                for (int i = 0; i < 50; i++) {
                    ChannelMessage<String, String> m = got.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                    assertNotNull(m);
                    assertEquals("ticks", m.getChannel());
                    assertEquals(Integer.toString(i), m.getMessage());
                }
                sub.reactive().unsubscribe("ticks").block(Duration.ofSeconds(WAIT_SECONDS));
                assertEquals(0L, pub.sync().publish("ticks", "late"));
            } finally {
                d.dispose();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void binaryChannelsAndPayloads(ProtocolVersion protocol) throws Exception {
        byte[] channel = {'\r', '\n', 0, (byte) 0x80, (byte) 0xff};
        byte[] payload = new byte[256];
        for (int i = 0; i < 256; i++) {
            payload[i] = (byte) (255 - i);
        }
        BlockingQueue<byte[][]> got = new LinkedBlockingQueue<>();
        try (StatefulRedisPubSubConnection<byte[], byte[]> sub = lettuce.client(protocol).connectPubSub(ByteArrayCodec.INSTANCE);
                StatefulRedisConnection<byte[], byte[]> pub = lettuce.client(protocol).connect(ByteArrayCodec.INSTANCE)) {
            sub.addListener(new RedisPubSubListener<>() {
                @Override
                public void message(byte[] ch, byte[] message) {
                    got.add(new byte[][] {ch, message});
                }

                @Override
                public void message(byte[] pattern, byte[] ch, byte[] message) {}

                @Override
                public void subscribed(byte[] ch, long count) {}

                @Override
                public void psubscribed(byte[] pattern, long count) {}

                @Override
                public void unsubscribed(byte[] ch, long count) {}

                @Override
                public void punsubscribed(byte[] pattern, long count) {}
            });
            sub.sync().subscribe(channel);
            assertEquals(1L, pub.sync().publish(channel, payload));
            assertEquals(1L, pub.sync().publish(channel, new byte[0]));
            byte[][] first = got.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(first);
            assertArrayEquals(channel, first[0]);
            assertArrayEquals(payload, first[1]);
            byte[][] second = got.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(second);
            assertEquals(0, second[1].length);
            assertTrue(got.isEmpty());
        }
    }
}
