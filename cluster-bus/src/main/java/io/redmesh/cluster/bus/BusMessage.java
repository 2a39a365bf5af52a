package io.redmesh.cluster.bus;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One cluster bus message (Redis 7.0's clusterMsg): the fixed 2256-byte header every message
 * carries, and the body of its type. {@link BusCodec} reads and writes the wire form.
 */
public final class BusMessage {
    public static final int PING = 0;
    public static final int PONG = 1;
    public static final int MEET = 2;
    public static final int FAIL = 3;
    public static final int PUBLISH = 4;
    public static final int FAILOVER_AUTH_REQUEST = 5;
    public static final int FAILOVER_AUTH_ACK = 6;
    public static final int UPDATE = 7;
    public static final int MFSTART = 8;
    public static final int MODULE = 9;
    public static final int PUBLISHSHARD = 10;
    public static final int TYPE_COUNT = 11;

    /** mflags[0] bits. */
    public static final int FLAG0_PAUSED = 1;
    public static final int FLAG0_FORCEACK = 2;
    public static final int FLAG0_EXT_DATA = 4;

    public static final String[] TYPE_NAMES = {"ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack",
        "update", "mfstart", "module", "publishshard"};

    public int type;
    /** The sender's primary client port (its TLS port under tls-cluster). */
    public int port;
    public int count;
    public long currentEpoch;
    public long configEpoch;
    public long offset;
    public String sender;
    public BitSet myslots = new BitSet();
    /** The sender's master, or null (all zeroes on the wire) when it is a master. */
    public String slaveof;
    /** The announced IP, or "" (the receiver then uses the connection's address). */
    public String myip = "";
    public int pport;
    public int cport;
    public int flags;
    public int state;
    public int mflags0;
    /** RedMesh's addition in the header's reserved bytes: both client ports (0: not a RedMesh sender). */
    public int redmeshTlsPort;
    public int redmeshPlainPort;

    // PING / PONG / MEET
    public final List<Gossip> gossip = new ArrayList<>();
    public String hostname = "";
    // FAIL / UPDATE
    public String about;
    public long aboutConfigEpoch;
    public BitSet aboutSlots;
    // PUBLISH / PUBLISHSHARD
    public byte[] channel;
    public byte[] message;

    /** One gossip section entry: what the sender knows of a third node. */
    public record Gossip(String name, long pingSentSeconds, long pongReceivedSeconds, String ip, int port, int cport,
                         int flags, int pport) {}

    public static String typeName(int type) {
        return type >= 0 && type < TYPE_COUNT ? TYPE_NAMES[type] : "unknown";
    }
}
