package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.KeyspaceEvents;
import io.redmesh.node.command.KeyExtractor;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric).
 *
 * <pre>
 * BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
 *              [OVERFLOW WRAP|SAT|FAIL] ...
 * BITFIELD_RO key [GET type offset] ...
 * </pre>
 * A type is i1..i64 or u1..u63; an offset "#n" means n times the type's width. Every operation
 * is parsed before any runs. With a SET or INCRBY the string is first created or zero-padded up
 * to the highest bit written (even if every write then fails under OVERFLOW FAIL, as in Redis).
 * OVERFLOW applies to the SET and INCRBY after it: WRAP (the default) wraps around, SAT
 * saturates at the type's bounds, FAIL writes nothing and answers null for that operation.
 * Propagated as itself when some field changed.
 */
final class BitfieldCommand {
    private BitfieldCommand() {}

    private static final int GET = 0, SET = 1, INCRBY = 2;
    private static final int WRAP = 0, SAT = 1, FAIL = 2;
    private static final String BAD_TYPE =
            "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private record Op(int code, long offset, long value, int overflow, int bits, boolean signed) {}

    static void run(CommandContext c, boolean readOnlyCommand) {
        List<Op> ops = new ArrayList<>();
        long highestWrite = 0;
        boolean readOnly = true;
        int overflow = WRAP;
        for (int j = 2; j < c.argc(); j++) {
            int remaining = c.argc() - j - 1;
            int code;
            if (c.argIs(j, "get") && remaining >= 2) {
                code = GET;
            } else if (c.argIs(j, "set") && remaining >= 3) {
                code = SET;
            } else if (c.argIs(j, "incrby") && remaining >= 3) {
                code = INCRBY;
            } else if (c.argIs(j, "overflow") && remaining >= 1) {
                j++;
                if (c.argIs(j, "wrap")) {
                    overflow = WRAP;
                } else if (c.argIs(j, "sat")) {
                    overflow = SAT;
                } else if (c.argIs(j, "fail")) {
                    overflow = FAIL;
                } else {
                    throw RedisException.err("Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                throw Errors.E_SYNTAX;
            }
            byte[] type = c.arg(j + 1);
            boolean signed = type.length > 0 && type[0] == 'i';
            int bits = typeBits(type);
            long offset = BitStrings.offset(c, c.arg(j + 2), true, bits);
            long value = 0;
            if (code != GET) {
                readOnly = false;
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                value = c.argLong(j + 3);
            }
            ops.add(new Op(code, offset, value, overflow, bits, signed));
            j += code == GET ? 2 : 3;
        }

        byte[] bytes;
        boolean grown = false;
        if (readOnly) {
            bytes = BitStrings.read(c, c.arg(1));
        } else {
            if (readOnlyCommand) {
                throw RedisException.err("BITFIELD_RO only supports the GET subcommand");
            }
            BitStrings.Target t = BitStrings.forWrite(c, c.arg(1), highestWrite);
            bytes = t.bytes();
            grown = t.grown();
        }

        c.reply.array(ops.size());
        long changes = 0;
        for (Op op : ops) {
            if (op.code == GET) {
                byte[] src = bytes == null ? Bytes.EMPTY : bytes;
                c.reply.integer(op.signed ? BitStrings.getSigned(src, op.offset, op.bits)
                        : BitStrings.getUnsigned(src, op.offset, op.bits));
                continue;
            }
            long old = op.signed ? BitStrings.getSigned(bytes, op.offset, op.bits)
                    : BitStrings.getUnsigned(bytes, op.offset, op.bits);
            long[] limit = new long[1];
            long result;
            long stored;
            int over;
            if (op.code == INCRBY) {
                over = op.signed ? signedOverflow(old, op.value, op.bits, op.overflow, limit)
                        : unsignedOverflow(old, op.value, op.bits, op.overflow, limit);
                stored = over != 0 ? limit[0] : old + op.value;
                result = stored;
            } else {
                over = op.signed ? signedOverflow(op.value, 0, op.bits, op.overflow, limit)
                        : unsignedOverflow(op.value, 0, op.bits, op.overflow, limit);
                stored = over != 0 ? limit[0] : op.value;
                result = old;
            }
            if (over != 0 && op.overflow == FAIL) {
                c.reply.nullBulk();
                continue;
            }
            c.reply.integer(result);
            BitStrings.set(bytes, op.offset, op.bits, stored);
            if (grown || old != stored) {
                changes++;
            }
        }
        if (changes > 0) {
            c.db().modified(c.arg(1));
            c.notify(KeyspaceEvents.STRING, "setbit", c.arg(1));
            c.dirty(changes);
        }
    }

    /** getBitfieldTypeFromArgument: i1..i64 or u1..u63 (the digits end at a NUL, as strlen reads). */
    private static int typeBits(byte[] t) {
        if (t.length == 0 || (t[0] != 'i' && t[0] != 'u')) {
            throw RedisException.err(BAD_TYPE);
        }
        int end = 1;
        while (end < t.length && t[end] != 0) {
            end++;
        }
        Long bits = Bytes.parseLongOrNull(java.util.Arrays.copyOfRange(t, 1, end));
        if (bits == null || bits < 1 || (t[0] == 'i' && bits > 64) || (t[0] == 'u' && bits > 63)) {
            throw RedisException.err(BAD_TYPE);
        }
        return bits.intValue();
    }

    /**
     * checkUnsignedBitfieldOverflow, in unsigned 64-bit arithmetic: 1 above the range, -1 below,
     * 0 within; on overflow {@code limit[0]} gets the wrapped or saturated value (not for FAIL).
     */
    static int unsignedOverflow(long value, long incr, int bits, int overflow, long[] limit) {
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        int result;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            result = 1;
            if (overflow == SAT) {
                limit[0] = max;
            }
        } else if (incr < 0 && incr < minIncr) {
            result = -1;
            if (overflow == SAT) {
                limit[0] = 0;
            }
        } else {
            return 0;
        }
        if (overflow == WRAP) {
            limit[0] = (value + incr) & ~(-1L << bits);
        }
        return result;
    }

    /** checkSignedBitfieldOverflow: as {@link #unsignedOverflow} for two's complement fields. */
    static int signedOverflow(long value, long incr, int bits, int overflow, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value; // may wrap: used only once value is known to be in range
        long minIncr = min - value;
        int result;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            result = 1;
            if (overflow == SAT) {
                limit[0] = max;
            }
        } else if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            result = -1;
            if (overflow == SAT) {
                limit[0] = min;
            }
        } else {
            return 0;
        }
        if (overflow == WRAP) {
            long sum = value + incr;
            if (bits < 64) {
                long mask = -1L << bits;
                sum = (sum & (1L << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
            }
            limit[0] = sum;
        }
        return result;
    }

    private static final List<String> READ_FLAGS = List.of("RO", "access");
    private static final List<String> WRITE_FLAGS = List.of("RW", "access", "update");

    /**
     * bitfieldGetKeys: the key is only read when every operation is a GET (so a %R~ user may run
     * such a BITFIELD), read and written otherwise; anything unparsable counts as a write.
     */
    static KeyExtractor.Keys keys(byte[][] argv, int argc) {
        boolean readOnly = true;
        for (int i = 2; i < argc; i++) {
            int remaining = argc - i - 1;
            if (Bytes.eqIgnoreCase(argv[i], "get") && remaining >= 2) {
                i += 2;
            } else if (Bytes.eqIgnoreCase(argv[i], "overflow") && remaining >= 1) {
                i += 1;
            } else {
                readOnly = false; // SET, INCRBY, or a syntax error: assume a write
                break;
            }
        }
        KeyExtractor.Keys keys = new KeyExtractor.Keys();
        keys.add(1, 0, readOnly ? READ_FLAGS : WRITE_FLAGS);
        return keys;
    }
}
