package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * What the bit commands share (Redis's bitops.c helpers): the bit offset argument and its
 * proto-max-bulk-len bound, the string a writing bit command changes (created or zero-padded up
 * to the highest bit it touches, changed in place when the key holds it alone), and the
 * byte-array scans behind BITCOUNT and BITPOS. Bits are numbered from the most significant bit
 * of the first byte.
 */
final class BitStrings {
    private BitStrings() {}

    static final String BAD_OFFSET = "bit offset is not an integer or out of range";
    /** A Java array stops short of 2 GB; proto-max-bulk-len may be set past that. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * getBitOffsetFromArgument(): a bit offset, or with {@code hash} and a "#n" argument n times
     * {@code bits} (BITFIELD); negative or past proto-max-bulk-len bytes is an error.
     */
    static long offset(CommandContext c, byte[] arg, boolean hash, int bits) {
        boolean useHash = hash && bits > 0 && arg.length > 0 && arg[0] == '#';
        Long v = Bytes.parseLongOrNull(useHash ? Arrays.copyOfRange(arg, 1, arg.length) : arg);
        if (v == null) {
            throw RedisException.err(BAD_OFFSET);
        }
        long offset = useHash ? v * bits : v; // wraps as Redis's signed multiply does in practice
        if (offset < 0 || (offset >> 3) >= c.server.config.getLong("proto-max-bulk-len")) {
            throw RedisException.err(BAD_OFFSET);
        }
        return offset;
    }

    /** The key's string for reading: null when missing, WRONGTYPE for another type. */
    static byte[] read(CommandContext c, byte[] key) {
        return StringCommands.getString(c.db(), key);
    }

    /** A string a writing bit command may change in place, and whether getting it changed the key. */
    record Target(byte[] bytes, boolean grown) {}

    /**
     * lookupStringForBitCommand(): the string at {@code key}, created zero-filled or zero-padded
     * so that bit {@code maxBit} exists, and private to the key (copied from a shared array
     * first). {@code grown} when the key was created or lengthened, which Redis counts as a
     * change even if no bit then changes. WRONGTYPE for another type.
     */
    static Target forWrite(CommandContext c, byte[] key, long maxBit) {
        long need = (maxBit >>> 3) + 1;
        Database db = c.db();
        Keyspace ks = c.server.keyspace;
        Object v = db.lookupWrite(key);
        if (v == null) {
            byte[] fresh = ownedByKey(ks, allocate(need));
            db.set(key, fresh, false);
            return new Target(fresh, true);
        }
        if (!(v instanceof byte[] old)) {
            throw Errors.E_WRONGTYPE;
        }
        if (old.length >= need && ks.writableStrings.owns(old)) {
            return new Target(old, false);
        }
        byte[] copy = ownedByKey(ks, allocate(Math.max(old.length, need)));
        System.arraycopy(old, 0, copy, 0, old.length);
        DictEntry e = db.entry(key);
        db.unshare(e, copy);
        return new Target(copy, need > old.length);
    }

    /** A fresh string as a key's own: Redis's "raw" encoding, changeable in place from now on. */
    static byte[] ownedByKey(Keyspace ks, byte[] fresh) {
        return ks.writableStrings.claim(ks.strings.raw(fresh));
    }

    /**
     * A zeroed array of {@code n} bytes. Redis would allocate up to proto-max-bulk-len (512 MB)
     * here; a JVM whose heap cannot hold that answers -OOM instead of failing the server.
     */
    static byte[] allocate(long n) {
        if (n > MAX_ARRAY) {
            throw RedisException.err("string exceeds maximum allowed size (proto-max-bulk-len)");
        }
        try {
            return new byte[(int) n];
        } catch (OutOfMemoryError e) {
            // One large array that did not fit (the JVM collected before giving up): nothing
            // else was half-done, so the server can go on.
            throw new RedisException(Errors.OOM);
        }
    }

    // ------------------------------------------------------------------ scans

    /** redisPopcount over bytes [from, to] inclusive. */
    static long popcount(byte[] b, int from, int to) {
        long n = 0;
        int i = from;
        for (; i + 8 <= to + 1; i += 8) {
            n += Long.bitCount((long) LONGS.get(b, i));
        }
        for (; i <= to; i++) {
            n += Integer.bitCount(b[i] & 0xff);
        }
        return n;
    }

    /**
     * The first bit equal to {@code bit} in bit positions [from, to] (absolute, inclusive), or
     * -1. Whole bytes that cannot hold it are skipped eight at a time.
     */
    static long firstBit(byte[] b, long from, long to, int bit) {
        long skip = bit == 1 ? 0L : -1L;
        long pos = from;
        while (pos <= to) {
            int i = (int) (pos >>> 3);
            if ((pos & 7) == 0 && pos + 63 <= to && (long) LONGS.get(b, i) == skip) {
                pos += 64;
                continue;
            }
            if ((pos & 7) == 0 && pos + 7 <= to && (b[i] & 0xff) == (int) (skip & 0xff)) {
                pos += 8;
                continue;
            }
            if (((b[i] >> (7 - (int) (pos & 7))) & 1) == bit) {
                return pos;
            }
            pos++;
        }
        return -1;
    }

    // ------------------------------------------------------------------ bit fields

    /** getUnsignedBitfield: {@code bits} bits from bit {@code offset}, most significant first. */
    static long getUnsigned(byte[] p, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            long o = offset + j;
            int i = (int) (o >>> 3);
            int bitval = i < p.length ? (p[i] >> (7 - (int) (o & 7))) & 1 : 0;
            value = (value << 1) | bitval;
        }
        return value;
    }

    /** getSignedBitfield: the unsigned field with its top bit extended. */
    static long getSigned(byte[] p, long offset, int bits) {
        long value = getUnsigned(p, offset, bits);
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits;
        }
        return value;
    }

    /** setUnsignedBitfield (also for signed values: the low {@code bits} bits are written). */
    static void set(byte[] p, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            boolean one = ((value >>> (bits - 1 - j)) & 1) != 0;
            long o = offset + j;
            int i = (int) (o >>> 3);
            int mask = 1 << (7 - (int) (o & 7));
            p[i] = (byte) (one ? p[i] | mask : p[i] & ~mask);
        }
    }
}
