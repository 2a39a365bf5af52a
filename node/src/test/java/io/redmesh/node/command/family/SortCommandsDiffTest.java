package io.redmesh.node.command.family;

import io.redmesh.node.testing.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * SORT and SORT_RO against Debian's redis-server 7.0.15, reply for reply, in RESP2 and RESP3:
 * numeric and ALPHA orders with their tie rules, BY with string and hash-field weights (missing
 * ones first), BY nosort on lists and sorted sets with LIMIT and DESC, GET patterns, LIMIT
 * clamping, STORE (a list replacing any value and TTL, an empty result deleting the key), the
 * errors and their order, the sorted set converted to a skiplist, the key finder (STORE is a
 * write key ACL checks) and the ACL refusal of BY/GET for users who may not read every key,
 * then a seeded random run.
 */
class SortCommandsDiffTest extends DiffTestBase {
    @Override
    protected String[] resetCommands() {
        return new String[0];
    }

    @Test
    void numericAndAlphaOrders() {
        bothProtocols(() -> {
            d.same("RPUSH", "sp", " 5", "3\u0000x", "\t7");
            d.sameAll("SORT sp", "SORT sp ALPHA");
            d.sameAll(
                "RPUSH l 3 1 2 10 -1 2.5 1e1 0x10 +4 inf -inf 10",
                "SORT l", "SORT l DESC", "SORT l ASC DESC ASC", "SORT l ALPHA", "SORT l ALPHA DESC",
                "SORT_RO l", "SORT_RO l ALPHA DESC", "SORT l alpha desc limit 2 3",
                "RPUSH bad 1 2 x", "SORT bad", "SORT bad ALPHA", "SORT bad LIMIT 0 1", "SORT bad STORE dst", "EXISTS dst",
                "RPUSH nan 1 nan", "SORT nan", "RPUSH big 1 1e400", "SORT big", "RPUSH tiny 1 1e-400", "SORT tiny",
                // 7.0 never clears errno before strtod(): after an ERANGE its SORTs keep failing
                // until another parse clears it (INCRBYFLOAT's string2ld does); ours judge each call
                "INCRBYFLOAT errno_reset 1",
                "RPUSH trail 5x", "SORT trail",
                "SADD si 5 3 100 -2 7", "SORT si", "SORT si DESC", "SORT si LIMIT 1 2",
                "SADD sh b a c 10 9 zz", "SORT sh ALPHA", "SORT sh ALPHA DESC", "SORT sh",
                "ZADD z 3 a 1 b 2 c", "OBJECT ENCODING z", "SORT z ALPHA", "OBJECT ENCODING z", "SORT z", "ZRANGE z 0 -1",
                "ZADD zn 1 30 2 20 3 10", "SORT zn", "SORT zn DESC LIMIT 1 1",
                "SORT nokey", "SORT nokey ALPHA LIMIT 0 10", "SORT nokey STORE dst", "EXISTS dst");
        });
    }

    @Test
    void byAndGetPatterns() {
        bothProtocols(() -> d.sameAll(
                "RPUSH l 1 2 3 4", "MSET w_1 40 w_2 30 w_3 20 w_4 10 name_1 one name_2 two name_4 four",
                "HSET h_1 f b", "HSET h_2 f a", "HSET h_3 f d", "HSET h_4 g x",
                "SORT l BY w_*", "SORT l BY w_* DESC", "SORT l BY w_* GET #", "SORT l BY w_* GET name_*",
                "SORT l BY w_* GET # GET name_* GET h_*->f", "SORT l BY h_*->f ALPHA", "SORT l BY h_*->f",
                "SORT l BY h_*->g ALPHA GET #", "SORT l BY missing_* GET #", "SORT l BY missing_* ALPHA",
                "SORT l BY w_*-> GET #", "SORT l BY w_*->", "SORT l GET h_*->", "SORT l GET -> GET #",
                "SORT l GET fixed", "SORT l GET name_* GET name_* LIMIT 1 2", "SORT l BY w_* LIMIT 1 2 GET name_*",
                "SET w_x notanumber", "RPUSH lx 1 x", "SORT lx BY w_*", "SORT lx BY w_* ALPHA",
                "RPUSH ls b a", "SET w_a 1", "LPUSH w_b 1", "SORT ls BY w_*", "SORT ls GET w_*",
                "SORT l BY w_* GET name_* STORE dst", "LRANGE dst 0 -1", "TYPE dst",
                "SORT l BY nosort", "SORT l BY nosort DESC", "SORT l BY nosort LIMIT 1 2", "SORT l BY nosort DESC LIMIT 1 2",
                "SORT l BY nosort LIMIT 3 10", "SORT l BY nosort LIMIT 10 10", "SORT l BY nosort LIMIT 0 0",
                "SORT l BY nosort LIMIT -5 2", "SORT l BY nosort LIMIT 1 -1", "SORT l BY nosort GET name_*",
                "ZADD z 3 a 1 b 2 c 5 d", "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 2",
                "SORT z BY nosort DESC LIMIT 1 2", "SORT z BY nosort LIMIT 2 100", "SORT z BY nosort LIMIT 9 1",
                "SORT z BY nosort DESC LIMIT 0 0", "SORT z BY nosort STORE zd", "LRANGE zd 0 -1",
                "SADD s b c a", "SORT s BY nosort STORE sd", "LRANGE sd 0 -1", "SORT s BY nosort DESC STORE sd", "LRANGE sd 0 -1"));
    }

    @Test
    void limitStoreAndErrors() {
        bothProtocols(() -> d.sameAll(
                "RPUSH l 5 4 3 2 1",
                "SORT l LIMIT 0 2", "SORT l LIMIT 2 0", "SORT l LIMIT -3 2", "SORT l LIMIT 3 -1", "SORT l LIMIT 4 10",
                "SORT l LIMIT 5 1", "SORT l LIMIT 100 1", "SORT l LIMIT 0 9223372036854775807",
                "SORT l LIMIT 9223372036854775807 9223372036854775807", "SORT l LIMIT -9223372036854775808 2",
                "SORT l LIMIT a 1", "SORT l LIMIT 1 b", "SORT l LIMIT 1", "SORT l LIMIT", "SORT l FOO", "SORT l ALPHA FOO",
                "SORT l STORE", "SORT l BY", "SORT l GET", "SORT_RO l STORE dst", "SORT_RO l BY w_* STORE dst",
                "SET str v", "SORT str", "SORT str LIMIT x 1", "SORT str FOO", "HSET h a 1", "SORT h",
                "SET dst old", "EXPIRE dst 100", "SORT l STORE dst", "TTL dst", "TYPE dst", "LRANGE dst 0 -1",
                "SORT l LIMIT 0 0 STORE dst", "EXISTS dst", "SORT l STORE dst STORE dst2", "EXISTS dst", "LRANGE dst2 0 -1",
                "SORT l GET # GET nothing_* STORE dst3", "LRANGE dst3 0 -1", "SORT l STORE l", "LRANGE l 0 -1",
                "SORT", "SORT_RO"));
    }

    @Test
    void keyFinderAndAcl() {
        d.sameAll("COMMAND GETKEYSANDFLAGS SORT l", "COMMAND GETKEYSANDFLAGS SORT l STORE d",
                "COMMAND GETKEYSANDFLAGS SORT l STORE d STORE e", "COMMAND GETKEYSANDFLAGS SORT l GET store d",
                "COMMAND GETKEYSANDFLAGS SORT l LIMIT store 1 STORE e", "COMMAND GETKEYSANDFLAGS SORT l BY store",
                "COMMAND GETKEYSANDFLAGS SORT l STORE", "COMMAND GETKEYSANDFLAGS SORT_RO l STORE d",
                "COMMAND GETKEYS SORT l ALPHA STORE x",
                "RPUSH l 2 1", "SET w_1 1", "SET w_2 2",
                "ACL SETUSER onlyl on nopass ~l +@all", "ACL SETUSER reader on nopass %R~* +@all",
                "ACL SETUSER writer on nopass %W~* +@all", "ACL SETUSER ro on nopass %R~l ~d +@all");
        d.same("ACL", "SETUSER", "two", "on", "nopass", "~l", "+@all", "(~* +sort)");
        d.sameAll(
                "AUTH onlyl x", "SORT l", "SORT l BY w_*", "SORT l GET w_*", "SORT l BY nosort", "SORT l STORE d",
                "SORT l STORE other", "SORT_RO l GET #",
                "AUTH reader x", "SORT l BY w_* GET w_*", "SORT l STORE d",
                "AUTH writer x", "SORT l BY w_*", "SORT l GET #",
                "AUTH two x", "SORT l BY w_*", "SORT_RO l BY w_*", "SORT l STORE d2",
                "AUTH ro x", "SORT l STORE d", "SORT l STORE l",
                "AUTH default x", "ACL DELUSER onlyl reader writer two ro", "LRANGE d 0 -1");
    }

    /**
     * Random lists and sorted sets of numbers and words, sorted with random options. Orders
     * with ties Redis leaves to its sort (ALPHA by a weight two elements share) are not drawn.
     */
    @Test
    void seededRandomSorts() {
        SeededRandom seeded = SeededRandom.create();
        Random rnd = seeded.random();
        String[] words = {"a", "b", "ab", "B", "10", "9", "-1", "2.5", "x_y", "e", "0", "07", "\u00e9"};
        List<String> setup = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 20; i++) {
                String n = Integer.toString(rnd.nextInt(50) - 10);
                setup.add("RPUSH ln" + k + " " + n);
                setup.add("RPUSH lw" + k + " " + words[rnd.nextInt(words.length)]);
                setup.add("ZADD zn" + k + " " + rnd.nextInt(5) + " " + n);
                setup.add("SET w_" + n + " " + rnd.nextInt(10));
                setup.add("HSET h_" + n + " f " + words[rnd.nextInt(words.length)] + "q" + n);
            }
        }
        d.sameAll(setup.toArray(new String[0]));
        String[] keys = {"ln0", "ln1", "ln2", "lw0", "lw1", "zn0", "zn1", "zn2"};
        seeded.repeat(300, i -> {
            String key = keys[rnd.nextInt(keys.length)];
            boolean wordList = key.startsWith("lw");
            StringBuilder cmd = new StringBuilder(rnd.nextBoolean() ? "SORT " : "SORT_RO ").append(key);
            boolean alpha = wordList || rnd.nextInt(4) == 0;
            if (alpha) {
                cmd.append(" ALPHA");
            }
            switch (rnd.nextInt(4)) {
                case 0 -> cmd.append(" BY nosort");
                case 1 -> cmd.append(alpha ? (wordList ? "" : " BY h_*->f") : " BY w_*");
                default -> { }
            }
            if (rnd.nextBoolean()) {
                cmd.append(" LIMIT ").append(rnd.nextInt(25) - 3).append(' ').append(rnd.nextInt(25) - 3);
            }
            if (rnd.nextBoolean()) {
                cmd.append(rnd.nextBoolean() ? " DESC" : " ASC");
            }
            for (int g = rnd.nextInt(3); g > 0; g--) {
                cmd.append(new String[] {" GET #", " GET w_*", " GET h_*->f", " GET none_*"}[rnd.nextInt(4)]);
            }
            d.sameAll(cmd.toString());
        });
    }
}
