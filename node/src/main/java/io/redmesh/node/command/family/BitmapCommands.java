package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.db.Database;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;

/**
 * Bitmaps: strings read and written bit by bit (Redis's bitops.c).
 *
 * <pre>
 * SETBIT key offset 0|1                  GETBIT key offset
 * BITCOUNT key [start end [BYTE|BIT]]    BITPOS key 0|1 [start [end [BYTE|BIT]]]
 * BITOP AND|OR|XOR|NOT destkey key [key ...]
 * BITFIELD / BITFIELD_RO                 (BitfieldCommand)
 * </pre>
 * A bit offset stays below proto-max-bulk-len bytes; SETBIT grows the string with zero bytes up
 * to it. Every command here propagates as itself.
 */
final class BitmapCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("setbit", BitmapCommands::setbit)
         .bind("getbit", BitmapCommands::getbit)
         .bind("bitcount", BitmapCommands::bitcount)
         .bind("bitpos", BitmapCommands::bitpos)
         .bind("bitop", BitmapCommands::bitop)
         .bind("bitfield", c -> BitfieldCommand.run(c, false))
         .bind("bitfield_ro", c -> BitfieldCommand.run(c, true))
         .getkeys("bitfield", BitfieldCommand::keys);
    }

    /** SETBIT: replies with the bit's old value; a change, a new key or a longer string is a write. */
    static void setbit(CommandContext c) {
        long offset = BitStrings.offset(c, c.arg(2), false, 0);
        Long on = Bytes.parseLongOrNull(c.arg(3));
        if (on == null || (on & ~1L) != 0) {
            throw RedisException.err("bit is not an integer or out of range");
        }
        BitStrings.Target t = BitStrings.forWrite(c, c.arg(1), offset);
        int i = (int) (offset >>> 3);
        int mask = 1 << (7 - (int) (offset & 7));
        boolean was = (t.bytes()[i] & mask) != 0;
        if (t.grown() || was != (on == 1)) {
            t.bytes()[i] = (byte) (on == 1 ? t.bytes()[i] | mask : t.bytes()[i] & ~mask);
            c.db().modified(c.arg(1));
            c.notify(KeyspaceEvents.STRING, "setbit", c.arg(1));
            c.dirty();
        }
        c.reply.integer(was ? 1 : 0);
    }

    static void getbit(CommandContext c) {
        long offset = BitStrings.offset(c, c.arg(2), false, 0);
        byte[] v = BitStrings.read(c, c.arg(1));
        long i = offset >>> 3;
        boolean set = v != null && i < v.length && (v[(int) i] & (1 << (7 - (int) (offset & 7)))) != 0;
        c.reply.integer(set ? 1 : 0);
    }

    /**
     * BITCOUNT: a missing key counts 0 before its arguments are looked at (as in 7.0); start and
     * end index bytes, or bits with BIT, negative from the end, clamped to the string.
     */
    static void bitcount(CommandContext c) {
        byte[] v = BitStrings.read(c, c.arg(1));
        if (v == null) {
            c.reply.integer(0);
            return;
        }
        long start;
        long end;
        boolean isBit = false;
        if (c.argc() == 4 || c.argc() == 5) {
            long total = v.length;
            start = c.argLong(2);
            end = c.argLong(3);
            if (c.argc() == 5) {
                isBit = unit(c, 4);
            }
            if (isBit) {
                total <<= 3;
            }
            if (start < 0 && end < 0 && start > end) {
                c.reply.integer(0);
                return;
            }
            start = clampIndex(start, total);
            end = Math.min(clampIndex(end, total), total - 1);
        } else if (c.argc() == 2) {
            start = 0;
            end = v.length - 1;
        } else {
            throw Errors.E_SYNTAX;
        }
        if (start > end) {
            c.reply.integer(0);
            return;
        }
        if (!isBit) {
            c.reply.integer(BitStrings.popcount(v, (int) start, (int) end));
            return;
        }
        int first = (int) (start >>> 3);
        int last = (int) (end >>> 3);
        int before = ~((1 << (8 - (int) (start & 7))) - 1) & 0xff; // bits of the first byte before start
        int after = (1 << (7 - (int) (end & 7))) - 1; // bits of the last byte after end
        long n = BitStrings.popcount(v, first, last)
                - Integer.bitCount(v[first] & before) - Integer.bitCount(v[last] & after);
        c.reply.integer(n);
    }

    /**
     * BITPOS: the first bit set (1) or clear (0) in the range. A missing key is all zeros. Past
     * the end of a range without an explicit end, the string counts as followed by zeros, so
     * looking for 0 in all ones answers the bit after the string; with an explicit end, -1.
     */
    static void bitpos(CommandContext c) {
        long bit = c.argLong(2);
        if (bit != 0 && bit != 1) {
            throw RedisException.err("The bit argument must be 1 or 0.");
        }
        byte[] v = BitStrings.read(c, c.arg(1));
        if (v == null) {
            c.reply.integer(bit == 1 ? -1 : 0);
            return;
        }
        long start;
        long end;
        boolean isBit = false;
        boolean endGiven = false;
        if (c.argc() >= 4 && c.argc() <= 6) {
            long total = v.length;
            start = c.argLong(3);
            if (c.argc() == 6) {
                isBit = unit(c, 5);
            }
            if (c.argc() >= 5) {
                end = c.argLong(4);
                endGiven = true;
            } else {
                end = total - 1;
            }
            if (isBit) {
                total <<= 3;
            }
            start = clampIndex(start, total);
            end = Math.min(clampIndex(end, total), total - 1);
        } else if (c.argc() == 3) {
            start = 0;
            end = v.length - 1;
        } else {
            throw Errors.E_SYNTAX;
        }
        if (start > end) {
            c.reply.integer(-1);
            return;
        }
        long from = isBit ? start : start << 3;
        long to = isBit ? end : (end << 3) + 7;
        long pos = BitStrings.firstBit(v, from, to, (int) bit);
        if (pos < 0 && bit == 0 && !endGiven) {
            pos = to + 1; // the zero padding after the string
        }
        c.reply.integer(pos);
    }

    /** BYTE or BIT (any case): whether BIT; anything else is a syntax error. */
    private static boolean unit(CommandContext c, int i) {
        if (c.argIs(i, "bit")) {
            return true;
        }
        if (c.argIs(i, "byte")) {
            return false;
        }
        throw Errors.E_SYNTAX;
    }

    /** A negative index counted from {@code total}, then no lower than 0. */
    private static long clampIndex(long i, long total) {
        if (i < 0) {
            i += total;
        }
        return Math.max(i, 0);
    }

    private static final int AND = 0, OR = 1, XOR = 2, NOT = 3;

    /**
     * BITOP: the operation over the source strings, a missing one or the part past a shorter
     * one reading as zeros, stored at destkey (its TTL dropped) as long as the longest source;
     * all sources empty or missing deletes destkey. Replies with the stored length.
     */
    static void bitop(CommandContext c) {
        int op;
        if (c.argIs(1, "and")) {
            op = AND;
        } else if (c.argIs(1, "or")) {
            op = OR;
        } else if (c.argIs(1, "xor")) {
            op = XOR;
        } else if (c.argIs(1, "not")) {
            op = NOT;
        } else {
            throw Errors.E_SYNTAX;
        }
        if (op == NOT && c.argc() != 4) {
            throw RedisException.err("BITOP NOT must be called with a single source key.");
        }
        int n = c.argc() - 3;
        byte[][] src = new byte[n][];
        int maxLen = 0;
        for (int j = 0; j < n; j++) {
            src[j] = BitStrings.read(c, c.arg(j + 3));
            if (src[j] != null) {
                maxLen = Math.max(maxLen, src[j].length);
            }
        }
        Database db = c.db();
        byte[] dest = c.arg(2);
        if (maxLen == 0) {
            if (db.delete(dest)) {
                c.notify(KeyspaceEvents.GENERIC, "del", dest);
                c.dirty();
            }
            c.reply.integer(0);
            return;
        }
        byte[] res = BitStrings.allocate(maxLen);
        byte[] first = src[0];
        if (first != null) {
            System.arraycopy(first, 0, res, 0, first.length);
        }
        if (op == NOT) {
            for (int i = 0; i < maxLen; i++) {
                res[i] = (byte) ~res[i];
            }
        }
        for (int j = 1; j < n; j++) {
            combine(op, res, src[j]);
        }
        db.set(dest, BitStrings.ownedByKey(c.server.keyspace, res), false);
        c.notify(KeyspaceEvents.STRING, "set", dest);
        c.dirty();
        c.reply.integer(maxLen);
    }

    /** res = res op s, s read as zeros where missing or shorter. */
    private static void combine(int op, byte[] res, byte[] s) {
        int len = s == null ? 0 : s.length;
        switch (op) {
            case AND -> {
                for (int i = 0; i < len; i++) {
                    res[i] &= s[i];
                }
                java.util.Arrays.fill(res, len, res.length, (byte) 0);
            }
            case OR -> {
                for (int i = 0; i < len; i++) {
                    res[i] |= s[i];
                }
            }
            default -> {
                for (int i = 0; i < len; i++) {
                    res[i] ^= s[i];
                }
            }
        }
    }
}
