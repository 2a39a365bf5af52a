package io.redmesh.node.command.family;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO against Debian's
 * redis-server 7.0.15, reply for reply, in RESP2 and RESP3: ranges in bytes and bits, the zero
 * padding rules of BITPOS, every overflow mode of BITFIELD, errors and their order, the offset
 * bound (proto-max-bulk-len), WATCH, COPY, the BITFIELD key finder seen by ACL, and a seeded
 * random run of all of them over a few keys.
 */
class BitmapCommandsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[] {"CONFIG SET proto-max-bulk-len 536870912"};
    }

    @Test
    void setbitAndGetbit() {
        bothProtocols(() -> d.sameAll(
                "SETBIT k 7 1", "SETBIT k 7 1", "GET k", "OBJECT ENCODING k", "SETBIT k 100 1", "STRLEN k",
                "GETBIT k 100", "GETBIT k 101", "GETBIT k 99999999", "GETBIT nokey 3", "SETBIT k 7 0", "GET k",
                "SETBIT k -1 1", "SETBIT k 4294967296 1", "SETBIT k a 1", "SETBIT k 1 2", "SETBIT k 1 -1",
                "SETBIT k 1 a", "SETBIT k x 2", "GETBIT k -1", "GETBIT k 4294967296", "GETBIT nokey x",
                "SET n 123", "SETBIT n 0 0", "OBJECT ENCODING n", "GETBIT n 2", "GETBIT n 3", "SETBIT n 5 0",
                "GET n", "SET e 1", "EXPIRE e 100", "SETBIT e 20 1", "TTL e", "GET e",
                "LPUSH l a", "SETBIT l 0 1", "GETBIT l 0", "SETBIT l -1 1", "GETBIT l x",
                "SETBIT", "SETBIT k 1", "GETBIT k", "GETBIT k 1 2"));
    }

    @Test
    void bitcount() {
        bothProtocols(() -> {
            d.same("SET", "empty", "");
            d.sameAll("BITCOUNT empty", "BITCOUNT empty 0 -1", "BITCOUNT empty 0 -1 BIT",
                "SET str foobar", "BITCOUNT str", "BITCOUNT str 0 0", "BITCOUNT str 1 1", "BITCOUNT str 1 1 BYTE",
                "BITCOUNT str 5 30 BIT", "BITCOUNT str 5 30 bit", "BITCOUNT str -1 -2", "BITCOUNT str -2 -1",
                "BITCOUNT str 0 -1 bit", "BITCOUNT str 0 100 bit", "BITCOUNT str -100 -3", "BITCOUNT str 7 7 BIT",
                "BITCOUNT str 46 47 BIT", "BITCOUNT str -9 -2 BIT", "BITCOUNT str 0", "BITCOUNT str 0 1 foo",
                "BITCOUNT str a b", "BITCOUNT str 0 b", "BITCOUNT nokey a b", "BITCOUNT nokey 0",
                "BITCOUNT str 0 1 bit extra", "BITCOUNT e 0 -1", "BITCOUNT e 0 -1 BIT",
                "SET n 12345", "BITCOUNT n", "BITCOUNT n 1 2", "LPUSH l a", "BITCOUNT l", "BITCOUNT l a b",
                "BITCOUNT");
        });
    }

    @Test
    void bitpos() {
        bothProtocols(() -> {
            d.sameAll("BITFIELD b SET u8 0 255 SET u8 8 240 SET u8 16 0", "BITFIELD ones SET u16 0 65535");
            d.same("SET", "e", "");
            d.sameAll("BITPOS b 0", "BITPOS b 1", "BITPOS b 0 0", "BITPOS b 0 0 -1", "BITPOS b 0 0 0",
                    "BITPOS b 1 2", "BITPOS b 1 2 -1", "BITPOS b 0 1 1", "BITPOS b 0 7 15 bit", "BITPOS b 0 8 11 bit",
                    "BITPOS b 1 12 23 bit", "BITPOS b 1 3 2", "BITPOS b 0 0 0 bit", "BITPOS b 0 0 7 BIT",
                    "BITPOS b 1 -3 -1 bit", "BITPOS b 0 -100", "BITPOS b 1 100", "BITPOS b 0 100",
                    "BITPOS b 2", "BITPOS b a", "BITPOS b 1 a", "BITPOS b 1 0 a", "BITPOS b 1 0 1 foo",
                    "BITPOS b 1 0 1 bit x", "BITPOS b 1 a 1 foo", "BITPOS b 1 0 a foo",
                    "BITPOS ones 0", "BITPOS ones 0 0", "BITPOS ones 0 0 -1", "BITPOS ones 0 0 15 bit",
                    "BITPOS ones 0 3 9 bit", "BITPOS ones 1 -1", "BITPOS ones 0 1 1",
                    "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0", "BITPOS e 0 0 -1",
                    "BITPOS nokey 0", "BITPOS nokey 1", "BITPOS nokey 1 a", "BITPOS nokey 2",
                    "SET n 0", "BITPOS n 0", "BITPOS n 1", "LPUSH l a", "BITPOS l 1", "BITPOS l 3", "BITPOS l 1 a",
                    "BITPOS", "BITPOS b");
        });
    }

    @Test
    void bitop() {
        bothProtocols(() -> {
            d.same("SET", "e", "");
            d.sameAll(
                "SET a1 abc", "SET a2 xy", "BITOP AND dest a1 a2", "GET dest", "BITOP or dest a1 a2", "GET dest",
                "BITOP XOR dest a1 a2 nokey", "GET dest", "BITOP NOT dest a1", "GET dest", "OBJECT ENCODING dest",
                "BITOP NOT dest a1 a2", "BITOP FOO dest a1", "BITOP AND dest nokey nokey2", "EXISTS dest",
                "BITOP OR dest a1", "SET dest x", "EXPIRE dest 100", "BITOP OR dest a1", "TTL dest",
                "BITOP AND dest a1 dest", "GET dest", "BITOP XOR a1 a1 a1", "GET a1",
                "BITOP OR dest e", "EXISTS dest", "BITOP NOT dest e", "LPUSH l x", "BITOP AND dest a2 l",
                "BITOP AND l a2", "TYPE l", "BITOP NOT", "BITOP AND dest", "SET n 7", "BITOP OR dest n n",
                "GET dest");
        });
    }

    @Test
    void bitfield() {
        bothProtocols(() -> d.sameAll(
                "BITFIELD bf SET i8 0 100 GET i8 0 INCRBY i8 0 100 OVERFLOW SAT INCRBY i8 0 100 "
                        + "OVERFLOW FAIL INCRBY i8 0 100 GET u4 0",
                "BITFIELD bf SET u8 #1 255 GET u8 #1 INCRBY u8 #1 10 OVERFLOW SAT INCRBY u8 8 10 "
                        + "OVERFLOW FAIL INCRBY u8 8 -300",
                "BITFIELD bf SET i64 0 -1 GET i64 0 GET u63 0 INCRBY i64 0 -9223372036854775807 "
                        + "OVERFLOW SAT INCRBY i64 0 -10",
                "BITFIELD bf SET u63 0 -1 OVERFLOW SAT SET u63 0 -1 GET u63 0 OVERFLOW FAIL SET u63 0 -1",
                "BITFIELD s2 SET i5 3 -17 GET i5 3 SET i5 3 15 INCRBY i5 3 1 OVERFLOW SAT INCRBY i5 3 -100 GET u5 3",
                "BITFIELD s3 OVERFLOW WRAP INCRBY u2 0 5 INCRBY u2 0 -7 OVERFLOW SAT INCRBY u2 0 -7 INCRBY u2 0 9",
                "BITFIELD s4 INCRBY i64 0 9223372036854775807 INCRBY i64 0 1 OVERFLOW SAT INCRBY i64 0 1 "
                        + "INCRBY i64 0 -9223372036854775808 OVERFLOW FAIL INCRBY i64 0 -1",
                "BITFIELD s6 SET i1 0 1 GET i1 0 SET u1 1 3 GET u2 0 OVERFLOW SAT SET i1 0 1 GET i1 0",
                "BITFIELD bf GET u64 0", "BITFIELD bf GET i65 0", "BITFIELD bf GET i0 0", "BITFIELD bf GET x8 0",
                "BITFIELD bf GET u8 -1", "BITFIELD bf GET u8 a", "BITFIELD bf GET u8 #a", "BITFIELD bf GET u8 #-1",
                "BITFIELD bf GET u8", "BITFIELD bf FOO", "BITFIELD bf OVERFLOW what", "BITFIELD bf SET u8 0 a",
                "BITFIELD bf SET u8 0 1 GET u64 0", "BITFIELD bf OVERFLOW", "BITFIELD bf", "BITFIELD nokey",
                "BITFIELD nokey GET u8 0 GET i8 100", "EXISTS nokey", "BITFIELD bf get u8 0 Set u8 0 9 incrBY u8 0 1",
                "BITFIELD_RO bf GET u8 0 SET u8 0 1", "BITFIELD_RO bf GET u8 0", "BITFIELD_RO bf INCRBY u8 0 1",
                "BITFIELD_RO bf GET u8 0 FOO", "BITFIELD_RO bf OVERFLOW SAT GET u8 0", "BITFIELD_RO bf",
                "BITFIELD nk OVERFLOW FAIL INCRBY u8 0 300", "EXISTS nk", "STRLEN nk",
                "BITFIELD s5 GET u8 #100000000000000000", "BITFIELD s5 GET u8 #536870912",
                "BITFIELD s5 SET u8 #2305843009213693952 1",
                "SET n 255", "BITFIELD n GET u8 0 GET u8 8 INCRBY u8 16 1", "GET n", "OBJECT ENCODING n",
                "LPUSH l a", "BITFIELD l GET u8 0", "BITFIELD l SET u8 0 1", "BITFIELD_RO l GET u8 0",
                "BITFIELD", "BITFIELD_RO"));
    }

    /** The offset bound follows proto-max-bulk-len (1 MB here: bits 0..8388607). */
    @Test
    void offsetsStopAtProtoMaxBulkLen() {
        d.sameAll("CONFIG SET proto-max-bulk-len 1mb",
                "SETBIT k 8388608 1", "GETBIT k 8388608", "BITFIELD k SET u8 #1048576 1", "BITFIELD k GET u8 8388608",
                "EXISTS k", "SETBIT k 4294967295 1",
                "SETBIT k 8388607 1", "STRLEN k", "GETBIT k 8388607", "BITCOUNT k", "BITPOS k 1",
                "BITFIELD k SET u8 #1048575 3 GET u4 8388604", "STRLEN k", "BITOP NOT k2 k", "BITCOUNT k2",
                "BITPOS k2 0", "BITPOS k2 0 0 -1");
    }

    /**
     * maxmemory bounds growth as in Redis: the write that crosses it runs (the check comes
     * before a command), the next SETBIT or BITFIELD that could grow memory gets -OOM.
     */
    @Test
    void maxmemoryStopsFurtherGrowth() {
        try {
            d.sameAll("CONFIG SET maxmemory 10mb", "SETBIT big 167772160 1", "STRLEN big", "SETBIT other 1 1",
                    "BITFIELD big SET u8 0 1", "BITOP NOT big2 big", "GETBIT big 167772160", "BITCOUNT big",
                    "BITFIELD_RO big GET u8 #20971520", "DEL big", "SETBIT other 1 1");
        } finally {
            d.sameAll("CONFIG SET maxmemory 0");
        }
    }

    /** A bit command that changes nothing does not touch WATCHed keys; a change does. */
    @Test
    void watch() {
        d.sameAll("SETBIT w 10 1", "WATCH w");
        d.sameAll("SETBIT w 10 1", "BITFIELD w SET u8 0 32", "MULTI", "GET w", "EXEC");
        d.sameAll("WATCH w", "SETBIT w 10 0", "MULTI", "GET w", "EXEC");
        d.sameAll("BITFIELD big SET u8 #5000 1", "WATCH big", "BITFIELD big OVERFLOW FAIL INCRBY u8 #5000 255",
                "MULTI", "STRLEN big", "EXEC");
    }

    /** COPY of a bitmap big enough to be changed in place: each key changes alone. */
    @Test
    void copiesChangeApart() {
        d.sameAll("SETBIT src 80000 1", "COPY src dst", "SETBIT dst 0 1", "SETBIT src 1 1", "BITFIELD dst INCRBY u8 #9 7",
                "GETBIT src 0", "GETBIT dst 1", "BITCOUNT src", "BITCOUNT dst", "BITFIELD src GET u8 #9",
                "RENAME dst moved", "SETBIT moved 2 1", "BITCOUNT moved", "BITCOUNT src");
    }

    /** bitfieldGetKeys: a %R~ user may run a BITFIELD of GETs only. */
    @Test
    void readOnlyUsersMayGetButNotSet() {
        d.sameAll("SETBIT k 3 1", "ACL SETUSER reader on nopass %R~* +@all",
                "COMMAND GETKEYSANDFLAGS BITFIELD k GET u8 0 OVERFLOW SAT",
                "COMMAND GETKEYSANDFLAGS BITFIELD k GET u8 0 INCRBY u8 0 1",
                "COMMAND GETKEYSANDFLAGS BITFIELD k GET u8", "COMMAND GETKEYSANDFLAGS BITFIELD_RO k GET u8 0",
                "AUTH reader x", "BITFIELD k GET u8 0", "BITFIELD_RO k GET u4 0", "BITFIELD k SET u8 0 1",
                "BITFIELD k GET u8 0 INCRBY u8 0 1", "SETBIT k 3 0", "GETBIT k 3", "BITCOUNT k", "BITPOS k 1",
                "AUTH default x", "ACL DELUSER reader");
    }

    /** Random bit commands over a few small keys, replies compared one by one. */
    @Test
    void seededRandomCommands() {
        SeededRandom seeded = SeededRandom.create();
        Random r = seeded.random();
        seeded.repeat(3000, i -> {
            if (i == 1500) {
                realClient.call("HELLO", "3");
                ourClient.call("HELLO", "3");
            }
            d.same(randomCommand(r));
        });
        for (String k : List.of("a", "b", "c", "d")) {
            d.same("GET", k);
        }
    }

    private static String[] randomCommand(Random r) {
        String k = String.valueOf("abcd".charAt(r.nextInt(4)));
        List<String> cmd = new ArrayList<>();
        switch (r.nextInt(8)) {
            case 0 -> cmd.addAll(List.of("SETBIT", k, offset(r), String.valueOf(r.nextInt(2))));
            case 1 -> cmd.addAll(List.of("GETBIT", k, offset(r)));
            case 2 -> {
                cmd.addAll(List.of("BITCOUNT", k));
                range(r, cmd, false);
            }
            case 3 -> {
                cmd.addAll(List.of("BITPOS", k, String.valueOf(r.nextInt(2))));
                range(r, cmd, true);
            }
            case 4 -> {
                cmd.addAll(List.of("BITOP", r.nextBoolean() ? "NOT" : pick(r, "AND", "OR", "XOR"), k));
                int n = cmd.get(1).equals("NOT") ? 1 : 1 + r.nextInt(3);
                for (int j = 0; j < n; j++) {
                    cmd.add(String.valueOf("abcde".charAt(r.nextInt(5))));
                }
            }
            case 5 -> cmd.addAll(List.of("SET", k, pick(r, "", "x", "foobar", "\u007f\u0001", "12345")));
            default -> {
                cmd.addAll(List.of(r.nextInt(4) == 0 ? "BITFIELD_RO" : "BITFIELD", k));
                int n = 1 + r.nextInt(4);
                for (int j = 0; j < n; j++) {
                    String op = pick(r, "GET", "SET", "INCRBY", "OVERFLOW");
                    cmd.add(op);
                    if (op.equals("OVERFLOW")) {
                        cmd.add(pick(r, "WRAP", "SAT", "FAIL"));
                        continue;
                    }
                    boolean signed = r.nextBoolean();
                    int bits = 1 + r.nextInt(signed ? 64 : 63);
                    cmd.add((signed ? "i" : "u") + bits);
                    cmd.add(r.nextInt(4) == 0 ? "#" + r.nextInt(20) : String.valueOf(r.nextInt(160)));
                    if (!op.equals("GET")) {
                        cmd.add(String.valueOf(value(r, bits)));
                    }
                }
            }
        }
        return cmd.toArray(String[]::new);
    }

    private static String offset(Random r) {
        return String.valueOf(r.nextInt(10) == 0 ? r.nextInt(4000) : r.nextInt(200));
    }

    /** Optional start, end and unit; sometimes out of range or negative. */
    private static void range(Random r, List<String> cmd, boolean startAlone) {
        int shape = r.nextInt(5);
        if (shape == 0) {
            return;
        }
        cmd.add(String.valueOf(r.nextInt(60) - 30));
        if (shape == 1 && startAlone) {
            return;
        }
        cmd.add(String.valueOf(r.nextInt(60) - 30));
        if (shape >= 3) {
            cmd.add(pick(r, "BIT", "BYTE", "bit"));
        }
    }

    private static long value(Random r, int bits) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextLong();
            case 1 -> r.nextInt(7) - 3;
            case 2 -> (bits >= 63 ? Long.MAX_VALUE : (1L << bits)) - r.nextInt(3);
            default -> -(bits >= 63 ? Long.MAX_VALUE : (1L << (bits - 1))) + r.nextInt(3) - 1;
        };
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... choices) {
        return choices[r.nextInt(choices.length)];
    }
}
