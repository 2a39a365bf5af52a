package io.redmesh.cluster.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bus format against cluster.h's layout (offsets of clusterMsg, gossip entries, ping
 * extensions) and the bounded decoding: lengths are judged from the first 16 bytes, garbage and
 * truncated frames are refused whole, random bytes never throw anything but {@link BusCodec.Invalid}.
 */
class BusCodecTest {
    private static final String A = "0123456789abcdef0123456789abcdef01234567";
    private static final String B = "fedcba9876543210fedcba9876543210fedcba98";

    private static BusMessage ping() {
        BusMessage m = new BusMessage();
        m.type = BusMessage.PING;
        m.sender = A;
        m.port = 7000;
        m.cport = 17000;
        m.pport = 6999;
        m.currentEpoch = 5;
        m.configEpoch = 3;
        m.offset = 123456789L;
        m.flags = 1;
        m.myslots = new BitSet();
        m.myslots.set(0, 100);
        m.myslots.set(16383);
        m.myip = "127.0.0.1";
        m.hostname = "node-a.example";
        m.redmeshTlsPort = 7443;
        m.redmeshPlainPort = 6999;
        m.gossip.add(new BusMessage.Gossip(B, 10, 11, "127.0.0.2", 7001, 17001, 2, 0));
        return m;
    }

    private static ByteBuf encode(BusMessage m) {
        ByteBuf b = Unpooled.buffer();
        BusCodec.encode(m, b);
        return b;
    }

    @Test
    void layoutMatchesRedis70() {
        ByteBuf b = encode(ping());
        // header 2256 + 1 gossip of 104 + hostname extension align8(8 + 14 + 1) = 24
        assertEquals(2256 + 104 + 24, b.readableBytes());
        assertEquals('R', b.getByte(0));
        assertEquals("RCmb", b.toString(0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(2256 + 104 + 24, b.getInt(4));
        assertEquals(1, b.getShort(8));
        assertEquals(7000, b.getShort(10));
        assertEquals(BusMessage.PING, b.getShort(12));
        assertEquals(1, b.getShort(14));
        assertEquals(5, b.getLong(16));
        assertEquals(A, b.toString(40, 40, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x01 | 0x02, b.getByte(80) & 0x03, "slot 0 and 1 are the low bits of byte 0");
        assertEquals((byte) 0x80, b.getByte(80 + 2047), "slot 16383 is the high bit of the last byte");
        assertEquals(0, b.getByte(2128), "a master's slaveof is all zeroes");
        assertEquals("127.0.0.1", b.toString(2168, 9, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, b.getShort(2214), "one extension");
        assertEquals(6999, b.getShort(2246));
        assertEquals(17000, b.getShort(2248));
        assertEquals(BusMessage.FLAG0_EXT_DATA, b.getByte(2253) & BusMessage.FLAG0_EXT_DATA);
        assertEquals(B, b.toString(2256, 40, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(7001, b.getShort(2256 + 94));
        assertEquals(24, b.getInt(2256 + 104), "extension length, 8-byte aligned");
        assertEquals(0, b.getShort(2256 + 104 + 4), "extension type: hostname");
    }

    @Test
    void roundTrips() throws Exception {
        BusMessage m = ping();
        ByteBuf b = encode(m);
        int len = BusCodec.expectedLength(b);
        BusMessage d = BusCodec.decode(b, len);
        assertEquals(m.sender, d.sender);
        assertEquals(m.myslots, d.myslots);
        assertNull(d.slaveof);
        assertEquals("node-a.example", d.hostname);
        assertEquals(7443, d.redmeshTlsPort);
        assertEquals(1, d.gossip.size());
        assertEquals(m.gossip.get(0), d.gossip.get(0));
        BusMessage u = new BusMessage();
        u.type = BusMessage.UPDATE;
        u.sender = A;
        u.about = B;
        u.aboutConfigEpoch = 9;
        u.aboutSlots = new BitSet();
        u.aboutSlots.set(5000, 6000);
        ByteBuf ub = encode(u);
        assertEquals(2256 + 2096, ub.readableBytes());
        BusMessage ud = BusCodec.decode(ub, BusCodec.expectedLength(ub));
        assertEquals(u.aboutSlots, ud.aboutSlots);
        assertEquals(9, ud.aboutConfigEpoch);
    }

    @Test
    void lengthsAreJudgedBeforeTheBodyArrives() {
        ByteBuf b = encode(ping());
        b.setInt(4, 64 << 20 + 1);
        assertThrows(BusCodec.Invalid.class, () -> BusCodec.expectedLength(b), "huge totlen");
        ByteBuf f = Unpooled.buffer();
        BusMessage fail = new BusMessage();
        fail.type = BusMessage.FAIL;
        fail.sender = A;
        fail.about = B;
        BusCodec.encode(fail, f);
        f.setInt(4, 2256 + 4000);
        assertThrows(BusCodec.Invalid.class, () -> BusCodec.expectedLength(f), "a FAIL has one length");
        ByteBuf g = encode(ping());
        g.setShort(14, 4000); // 4000 gossip entries claimed in a small frame
        assertThrows(BusCodec.Invalid.class, () -> BusCodec.expectedLength(g));
        ByteBuf sig = encode(ping());
        sig.setByte(0, 'X');
        assertThrows(BusCodec.Invalid.class, () -> BusCodec.expectedLength(sig));
    }

    @Test
    void truncatedFramesWaitAndGarbageIsRefused() throws Exception {
        ByteBuf b = encode(ping());
        ByteBuf half = b.slice(0, 12);
        assertEquals(-1, BusCodec.expectedLength(half), "fewer than 16 bytes: wait");
        ByteBuf cut = b.slice(0, 2300);
        assertTrue(BusCodec.expectedLength(cut) > cut.readableBytes(), "the frame is waited for whole");
        Random rnd = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[rnd.nextInt(3000)];
            rnd.nextBytes(junk);
            if (rnd.nextBoolean() && junk.length > 16) {
                System.arraycopy(encode(ping()).array(), 0, junk, 0, 16); // a plausible header, garbage after
            }
            ByteBuf in = Unpooled.wrappedBuffer(junk);
            try {
                int len = BusCodec.expectedLength(in);
                if (len > 0 && in.readableBytes() >= len) {
                    BusCodec.decode(in, len);
                }
            } catch (BusCodec.Invalid expected) {
                // refused whole
            }
        }
    }
}
