package io.redmesh.cluster.bus;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;

/**
 * Redis 7.0's cluster bus wire format (cluster.h: clusterMsg, "RCmb", version 1): a fixed
 * 2256-byte header in network byte order, then the body of the type. Every length is checked
 * against the type before anything is allocated ({@link #expectedLength}), and {@link #decode}
 * reads exactly what {@code totlen} announced: a message that does not add up is refused whole.
 *
 * <p>RedMesh addition: the header's 30 reserved bytes ({@code notused1}, offset 2216, zeroed by
 * Redis and ignored on receipt) carry "RMsh", then the sender's TLS and plaintext client ports,
 * so RedMesh nodes give each client the port of its own transport (Redis 7.0 only knows one).
 */
public final class BusCodec {
    public static final int HEADER_LEN = 2256;
    public static final int RCMSG_MIN_LEN = 8;
    public static final int GOSSIP_LEN = 104;
    static final int NAME_LEN = 40;
    static final int IP_LEN = 46;
    static final int SLOT_BYTES = 2048;
    static final int FAIL_LEN = NAME_LEN;
    static final int UPDATE_LEN = 8 + NAME_LEN + SLOT_BYTES;
    static final int EXT_HOSTNAME = 0;
    /** Largest message accepted: a PUBLISH body is bounded like a client's bulk string. */
    public static final int MAX_MESSAGE = 64 << 20;
    /** Largest gossip count (Redis sends at most a tenth of the nodes, plus PFAIL ones). */
    static final int MAX_GOSSIP = 4096;
    /** Room for ping extensions (7.0 sends one: the hostname, at most 255 + 9 bytes). */
    static final int MAX_EXTENSIONS_BYTES = 4096;
    private static final byte[] SIG = {'R', 'C', 'm', 'b'};
    private static final byte[] REDMESH = {'R', 'M', 's', 'h'};

    /** The message cannot be a valid one; the link that sent it is closed and nothing changes. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message);
        }
    }

    private BusCodec() {}

    /**
     * What the first 16 bytes allow to know before the body is read: -1 while fewer are there,
     * else the total length to wait for.
     *
     * @throws Invalid when the signature, version, length or count cannot be right for the type
     */
    public static int expectedLength(ByteBuf in) throws Invalid {
        int at = in.readerIndex();
        if (in.readableBytes() < RCMSG_MIN_LEN) {
            return -1;
        }
        for (int i = 0; i < 4; i++) {
            if (in.getByte(at + i) != SIG[i]) {
                throw new Invalid("bad signature");
            }
        }
        long totlen = in.getUnsignedInt(at + 4);
        if (totlen < HEADER_LEN || totlen > MAX_MESSAGE) {
            throw new Invalid("bad length " + totlen);
        }
        if (in.readableBytes() < 16) {
            return -1;
        }
        int ver = in.getUnsignedShort(at + 8);
        if (ver != 1) {
            throw new Invalid("unsupported version " + ver);
        }
        int type = in.getUnsignedShort(at + 12);
        int count = in.getUnsignedShort(at + 14);
        long base = HEADER_LEN;
        switch (type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                if (count > MAX_GOSSIP) {
                    throw new Invalid("gossip count " + count);
                }
                long min = base + (long) count * GOSSIP_LEN;
                if (totlen < min || totlen > min + MAX_EXTENSIONS_BYTES) {
                    throw new Invalid("ping length " + totlen + " for " + count + " gossip entries");
                }
            }
            case BusMessage.FAIL -> exact(totlen, base + FAIL_LEN, type);
            case BusMessage.UPDATE -> exact(totlen, base + UPDATE_LEN, type);
            case BusMessage.FAILOVER_AUTH_REQUEST, BusMessage.FAILOVER_AUTH_ACK, BusMessage.MFSTART ->
                    exact(totlen, base, type);
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD, BusMessage.MODULE -> {
                if (totlen < base + 8) {
                    throw new Invalid("short " + BusMessage.typeName(type));
                }
            }
            default -> {
                if (totlen > base + MAX_EXTENSIONS_BYTES) {
                    throw new Invalid("unknown type " + type + " of length " + totlen);
                }
            }
        }
        return (int) totlen;
    }

    private static void exact(long totlen, long want, int type) throws Invalid {
        if (totlen != want) {
            throw new Invalid(BusMessage.typeName(type) + " of length " + totlen + ", expected " + want);
        }
    }

    /** Reads one whole message of {@code totlen} bytes (already checked by {@link #expectedLength}). */
    public static BusMessage decode(ByteBuf in, int totlen) throws Invalid {
        int at = in.readerIndex();
        BusMessage m = new BusMessage();
        m.port = in.getUnsignedShort(at + 10);
        m.type = in.getUnsignedShort(at + 12);
        m.count = in.getUnsignedShort(at + 14);
        m.currentEpoch = in.getLong(at + 16);
        m.configEpoch = in.getLong(at + 24);
        m.offset = in.getLong(at + 32);
        m.sender = name(in, at + 40);
        if (m.sender == null) {
            throw new Invalid("bad sender name");
        }
        byte[] slots = new byte[SLOT_BYTES];
        in.getBytes(at + 80, slots);
        m.myslots = BitSet.valueOf(slots);
        m.slaveof = name(in, at + 2128);
        m.myip = cstring(in, at + 2168, IP_LEN);
        int extensions = in.getUnsignedShort(at + 2214);
        if (in.getByte(at + 2216) == REDMESH[0] && in.getByte(at + 2217) == REDMESH[1]
                && in.getByte(at + 2218) == REDMESH[2] && in.getByte(at + 2219) == REDMESH[3]) {
            m.redmeshTlsPort = in.getUnsignedShort(at + 2220);
            m.redmeshPlainPort = in.getUnsignedShort(at + 2222);
        }
        m.pport = in.getUnsignedShort(at + 2246);
        m.cport = in.getUnsignedShort(at + 2248);
        m.flags = in.getUnsignedShort(at + 2250);
        m.state = in.getUnsignedByte(at + 2252);
        m.mflags0 = in.getUnsignedByte(at + 2253);
        int body = at + HEADER_LEN;
        int end = at + totlen;
        switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                for (int i = 0; i < m.count; i++) {
                    int g = body + i * GOSSIP_LEN;
                    String gname = name(in, g);
                    if (gname == null) {
                        throw new Invalid("bad gossip name");
                    }
                    m.gossip.add(new BusMessage.Gossip(gname, in.getUnsignedInt(g + 40), in.getUnsignedInt(g + 44),
                            cstring(in, g + 48, IP_LEN), in.getUnsignedShort(g + 94), in.getUnsignedShort(g + 96),
                            in.getUnsignedShort(g + 98), in.getUnsignedShort(g + 100)));
                }
                int ext = body + m.count * GOSSIP_LEN;
                if ((m.mflags0 & BusMessage.FLAG0_EXT_DATA) != 0) {
                    for (int i = 0; i < extensions; i++) {
                        if (end - ext < 8) {
                            throw new Invalid("truncated extension");
                        }
                        long len = in.getUnsignedInt(ext);
                        int type = in.getUnsignedShort(ext + 4);
                        if (len < 8 || len % 8 != 0 || len > end - ext) {
                            throw new Invalid("bad extension length " + len);
                        }
                        if (type == EXT_HOSTNAME) {
                            m.hostname = cstring(in, ext + 8, (int) len - 8);
                        }
                        ext += (int) len;
                    }
                }
                if (ext != end) {
                    throw new Invalid("ping length does not add up");
                }
            }
            case BusMessage.FAIL -> {
                m.about = name(in, body);
                if (m.about == null) {
                    throw new Invalid("bad FAIL name");
                }
            }
            case BusMessage.UPDATE -> {
                m.aboutConfigEpoch = in.getLong(body);
                m.about = name(in, body + 8);
                if (m.about == null) {
                    throw new Invalid("bad UPDATE name");
                }
                byte[] s = new byte[SLOT_BYTES];
                in.getBytes(body + 8 + NAME_LEN, s);
                m.aboutSlots = BitSet.valueOf(s);
            }
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
                long clen = in.getUnsignedInt(body);
                long mlen = in.getUnsignedInt(body + 4);
                if (HEADER_LEN + 8 + clen + mlen != totlen) {
                    throw new Invalid("publish lengths do not add up");
                }
                m.channel = new byte[(int) clen];
                in.getBytes(body + 8, m.channel);
                m.message = new byte[(int) mlen];
                in.getBytes(body + 8 + (int) clen, m.message);
            }
            default -> { }
        }
        return m;
    }

    /** A 40-char node name, or null when its bytes are not hex (or all NUL: no name). */
    private static String name(ByteBuf in, int at) {
        if (in.getByte(at) == 0) {
            return null;
        }
        byte[] b = new byte[NAME_LEN];
        in.getBytes(at, b);
        for (byte c : b) {
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return null;
            }
        }
        return new String(b, StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
    }

    private static String cstring(ByteBuf in, int at, int max) {
        int n = 0;
        while (n < max && in.getByte(at + n) != 0) {
            n++;
        }
        byte[] b = new byte[n];
        in.getBytes(at, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ encoding

    /** Writes {@code m} (gossip, hostname, FAIL/UPDATE/PUBLISH bodies as its type says). */
    public static void encode(BusMessage m, ByteBuf out) {
        int start = out.writerIndex();
        int hostExt = 0;
        if ((m.type == BusMessage.PING || m.type == BusMessage.PONG || m.type == BusMessage.MEET)
                && !m.hostname.isEmpty()) {
            hostExt = align8(8 + m.hostname.length() + 1);
        }
        int bodyLen = switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> m.gossip.size() * GOSSIP_LEN + hostExt;
            case BusMessage.FAIL -> FAIL_LEN;
            case BusMessage.UPDATE -> UPDATE_LEN;
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> 8 + m.channel.length + m.message.length;
            default -> 0;
        };
        int totlen = HEADER_LEN + bodyLen;
        out.ensureWritable(totlen);
        out.writeBytes(SIG);
        out.writeInt(totlen);
        out.writeShort(1);
        out.writeShort(m.port);
        out.writeShort(m.type);
        out.writeShort(m.type <= BusMessage.MEET ? m.gossip.size() : 0);
        out.writeLong(m.currentEpoch);
        out.writeLong(m.configEpoch);
        out.writeLong(m.offset);
        writeName(out, m.sender);
        writeFixed(out, m.myslots.toByteArray(), SLOT_BYTES);
        writeName(out, m.slaveof);
        writeFixed(out, m.myip.getBytes(StandardCharsets.ISO_8859_1), IP_LEN);
        out.writeShort(hostExt > 0 ? 1 : 0);
        // notused1[30]: RedMesh's client ports, then zeroes
        out.writeBytes(REDMESH);
        out.writeShort(m.redmeshTlsPort);
        out.writeShort(m.redmeshPlainPort);
        out.writeZero(30 - 8);
        out.writeShort(m.pport);
        out.writeShort(m.cport);
        out.writeShort(m.flags);
        out.writeByte(m.state);
        out.writeByte(m.mflags0 | (hostExt > 0 ? BusMessage.FLAG0_EXT_DATA : 0));
        out.writeZero(2);
        switch (m.type) {
            case BusMessage.PING, BusMessage.PONG, BusMessage.MEET -> {
                for (BusMessage.Gossip g : m.gossip) {
                    writeName(out, g.name());
                    out.writeInt((int) g.pingSentSeconds());
                    out.writeInt((int) g.pongReceivedSeconds());
                    writeFixed(out, g.ip().getBytes(StandardCharsets.ISO_8859_1), IP_LEN);
                    out.writeShort(g.port());
                    out.writeShort(g.cport());
                    out.writeShort(g.flags());
                    out.writeShort(g.pport());
                    out.writeShort(0);
                }
                if (hostExt > 0) {
                    out.writeInt(hostExt);
                    out.writeShort(EXT_HOSTNAME);
                    out.writeShort(0);
                    byte[] h = m.hostname.getBytes(StandardCharsets.ISO_8859_1);
                    out.writeBytes(h);
                    out.writeZero(hostExt - 8 - h.length);
                }
            }
            case BusMessage.FAIL -> writeName(out, m.about);
            case BusMessage.UPDATE -> {
                out.writeLong(m.aboutConfigEpoch);
                writeName(out, m.about);
                writeFixed(out, m.aboutSlots.toByteArray(), SLOT_BYTES);
            }
            case BusMessage.PUBLISH, BusMessage.PUBLISHSHARD -> {
                out.writeInt(m.channel.length);
                out.writeInt(m.message.length);
                out.writeBytes(m.channel);
                out.writeBytes(m.message);
            }
            default -> { }
        }
        assert out.writerIndex() - start == totlen;
    }

    private static int align8(int n) {
        return (n + 7) / 8 * 8;
    }

    private static void writeName(ByteBuf out, String name) {
        if (name == null) {
            out.writeZero(NAME_LEN);
        } else {
            writeFixed(out, name.getBytes(StandardCharsets.US_ASCII), NAME_LEN);
        }
    }

    private static void writeFixed(ByteBuf out, byte[] b, int len) {
        int n = Math.min(b.length, len);
        out.writeBytes(b, 0, n);
        out.writeZero(len - n);
    }
}
