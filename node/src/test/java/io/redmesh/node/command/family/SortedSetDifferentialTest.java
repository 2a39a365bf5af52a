package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RealRedis;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.util.ArgSplitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sorted set commands, byte for byte against a real redis-server 7.0: the same script runs on
 * both in RESP2 and in RESP3 (HELLO 3), covering options, errors, wrong types, infinities,
 * score formatting, both encodings and their conversions. Commands whose replies are random
 * (ZRANDMEMBER with a small count, ZSCAN over a skiplist) are checked structurally elsewhere.
 */
class SortedSetDifferentialTest {
    static RealRedis real;
    static ServerFixture ours;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(RealRedis.available(), "redis-server not installed");
        real = RealRedis.start();
        ours = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        if (real != null) {
            real.close();
        }
        if (ours != null) {
            ours.close();
        }
    }

    /** One command per line, sdssplitargs quoting; '#' starts a comment line. */
    static final String SCRIPT = """
            # ---- ZADD and its options
            ZADD z 1 a 2 b 3 c
            ZADD z 1 a
            ZADD z CH 5 a
            ZADD z NX 10 a 4 d
            ZADD z XX 11 a 12 zz
            ZADD z XX CH 11 a 12 zz
            ZADD z GT CH 1 a 20 b
            ZADD z LT CH 100 a 0 c
            ZADD z GT XX CH 50 a
            ZADD z lt xx ch 1 a 1 nosuch
            ZRANGE z 0 -1 WITHSCORES
            ZADD z INCR 1.5 a
            ZADD z INCR NX 1 a
            ZADD z INCR NX 1 newinc
            ZADD z INCR XX 1 nosuch
            ZADD z INCR GT -100 a
            ZADD z INCR LT 0 a
            ZADD z INCR LT -0.5 a
            ZADD z INCR 0 a
            ZADD z NX XX 1 a
            ZADD z GT LT 1 a
            ZADD z NX GT 1 a
            ZADD z NX LT 1 a
            ZADD z NX XX GT 1 a
            ZADD z INCR 1 a 2 b
            ZADD z INCR NX XX 1 a 2 b
            ZADD z 1 a 2
            ZADD z 1 a x
            ZADD z x a
            ZADD z 1 a nan b
            ZADD z nan a
            ZADD z 1e400 a
            ZADD z 1e-400 a
            ZADD z -1e-400 a
            ZADD z 2e-324 a
            ZADD z " 1" a
            ZADD z "1 " a
            ZADD z "" a
            ZADD z 1e a
            ZADD z . a
            ZADD z 1d a
            ZADD z 0x a
            ZADD z "1\\x00" a
            ZADD nokey XX 1 a
            ZADD nokey XX INCR 1 a
            EXISTS nokey
            ZADD z inf pinf -inf ninf +inf pinf2 -INFINITY ninf2 +Inf pinf3
            ZADD z 1.1 f 0.1 g 1e-5 h 123456789012345678 big -0 negzero 3e-324 denorm 0x10 hex 0X1P-2 hexp
            ZADD z 1e17 e17 1e16 e16 -1.5e-7 tiny 3.14159265358979323846 pi 100000000000000000000 e20 .5 half 5. five
            ZADD z 4503599627370496 two52 4503599627370495.5 nearly -4503599627370497 negbig
            ZRANGE z 0 -1 WITHSCORES
            ZSCORE z f
            ZSCORE z negzero
            ZSCORE z pinf
            ZSCORE z ninf
            ZSCORE z nosuch
            ZSCORE nokey a
            ZMSCORE z f nosuch g pinf
            ZMSCORE nokey a b
            ZINCRBY z 1 pinf
            ZINCRBY z -inf pinf
            ZINCRBY z 0.1 f
            ZINCRBY z x a
            ZINCRBY z nx a
            ZINCRBY z 2.5 newmember
            ZINCRBY nokey2 3 m
            ZINCRBY nokey2 1e400 m
            ZCARD z
            ZCARD nokey
            ZRANK z a
            ZRANK z pinf
            ZRANK z ninf
            ZREVRANK z ninf
            ZREVRANK z a
            ZRANK z nosuch
            ZRANK nokey a
            ZREVRANK nokey a
            ZREM z a b nosuch
            ZREM z nosuch
            ZREM nokey a
            ZCARD z
            TYPE z
            OBJECT ENCODING z
            # ZADD with -0 into a fresh key, and ZINCRBY's reply for -0
            ZADD nz -0 a
            ZSCORE nz a
            ZINCRBY nz -0 b
            ZSCORE nz b
            ZADD nz GT CH 0 a
            ZRANGE nz 0 -1 WITHSCORES
            # ZREM emptying the key removes it
            ZADD gone 1 a 2 b
            ZREM gone a b c
            EXISTS gone
            # ---- wrong types
            SET str v
            ZADD str 1 a
            ZADD str x a
            ZADD str NX XX 1 a
            ZINCRBY str 1 a
            ZREM str a
            ZCARD str
            ZSCORE str a
            ZMSCORE str a
            ZRANK str a
            ZREVRANK str a
            ZRANGE str 0 -1
            ZRANGE str x y
            ZRANGE str 0 1 BYSCORE
            ZRANGESTORE dst str 0 -1
            ZREVRANGE str 0 -1
            ZRANGEBYSCORE str 0 1
            ZRANGEBYSCORE str a b
            ZREVRANGEBYSCORE str 0 1
            ZRANGEBYLEX str - +
            ZREVRANGEBYLEX str + -
            ZCOUNT str 0 1
            ZCOUNT str a b
            ZLEXCOUNT str - +
            ZREMRANGEBYRANK str 0 1
            ZREMRANGEBYSCORE str 0 1
            ZREMRANGEBYLEX str - +
            ZUNION 1 str
            ZINTER 2 z str
            ZDIFF 2 z str
            ZUNIONSTORE dst 1 str
            ZINTERSTORE dst 2 str z
            ZDIFFSTORE dst 2 z str
            ZINTERCARD 2 z str
            ZRANDMEMBER str
            ZRANDMEMBER str 2
            ZSCAN str 0
            ZPOPMIN str
            ZPOPMAX str 2
            ZMPOP 1 str MIN
            BZPOPMIN str 0
            BZPOPMAX nokey str 0
            BZMPOP 0 1 str MAX
            GET str
            # ---- arity and basic argument errors
            ZADD z
            ZADD z 1
            ZADD z NX
            ZSCORE z
            ZRANGE z 0
            ZRANK z a b
            ZPOPMIN
            ZMPOP 1
            BZPOPMIN z
            # ---- rank ranges
            ZADD r 1 one 2 two 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten
            ZRANGE r 0 -1
            ZRANGE r 0 -1 WITHSCORES
            ZRANGE r 2 4 withscores
            ZRANGE r -3 -1
            ZRANGE r -100 100
            ZRANGE r 5 2
            ZRANGE r 10 20
            ZRANGE r -1 -5
            ZRANGE r 0 0
            ZRANGE r 0 -1 REV
            ZRANGE r 0 2 REV WITHSCORES
            ZREVRANGE r 0 2
            ZREVRANGE r 0 2 WITHSCORES
            ZREVRANGE r -2 -1
            ZREVRANGE r 0 -1 REV
            ZRANGE r a 1
            ZRANGE r 0 1.5
            ZRANGE r 0 -1 LIMIT 0 1
            ZRANGE r 0 -1 LIMIT 0 -1
            ZRANGE r 0 -1 LIMIT 0
            ZRANGE r 0 -1 LIMIT x 1
            ZREVRANGE r 0 -1 LIMIT 0 1
            ZRANGE r 0 -1 REV REV
            ZRANGE r 0 -1 FOO
            ZRANGE r 0 -1 WITHSCORES WITHSCORES
            ZRANGE nokey 0 -1
            ZRANGE nokey 0 -1 WITHSCORES
            ZRANGE nokey a b
            # ---- score ranges
            ZRANGEBYSCORE r 2 5
            ZRANGEBYSCORE r (2 (5
            ZRANGEBYSCORE r (2 5 WITHSCORES
            ZRANGEBYSCORE r -inf +inf
            ZRANGEBYSCORE r -inf +inf LIMIT 2 3
            ZRANGEBYSCORE r -inf +inf LIMIT 2 -1
            ZRANGEBYSCORE r -inf +inf LIMIT 2 0
            ZRANGEBYSCORE r -inf +inf LIMIT -1 3
            ZRANGEBYSCORE r -inf +inf LIMIT 9 3
            ZRANGEBYSCORE r -inf +inf LIMIT 10 3
            ZRANGEBYSCORE r -inf +inf LIMIT 0 3 WITHSCORES
            ZRANGEBYSCORE r -inf +inf WITHSCORES LIMIT 1 2
            ZRANGEBYSCORE r 5 2
            ZRANGEBYSCORE r (5 5
            ZRANGEBYSCORE r 5 5
            ZRANGEBYSCORE r 11 +inf
            ZRANGEBYSCORE r -inf 0
            ZRANGEBYSCORE r "" 3
            ZRANGEBYSCORE r ( 3
            ZRANGEBYSCORE r " 2" 3
            ZRANGEBYSCORE r 2 1e400
            ZRANGEBYSCORE r 0x2 0x4
            ZRANGEBYSCORE r "2\\x00junk" 3
            ZRANGEBYSCORE r "2 " 3
            ZRANGEBYSCORE r nan 3
            ZRANGEBYSCORE r ((2 3
            ZRANGEBYSCORE r a b
            ZRANGEBYSCORE r 1 2 BYSCORE
            ZRANGEBYSCORE r 1 2 REV
            ZRANGEBYSCORE r 1 2 LIMIT 1
            ZRANGEBYSCORE r 1 2 LIMIT a 1
            ZRANGEBYSCORE nokey a b
            ZRANGEBYSCORE nokey 0 1
            ZREVRANGEBYSCORE r 5 2
            ZREVRANGEBYSCORE r 2 5
            ZREVRANGEBYSCORE r +inf -inf WITHSCORES LIMIT 1 3
            ZREVRANGEBYSCORE r (5 (2
            ZREVRANGEBYSCORE r +inf -inf LIMIT 0 -5
            ZRANGE r 2 5 BYSCORE
            ZRANGE r (2 +inf BYSCORE LIMIT 1 2 WITHSCORES
            ZRANGE r 5 2 BYSCORE REV
            ZRANGE r 5 2 BYSCORE REV LIMIT 1 1
            ZRANGE r 2 5 REV BYSCORE
            ZRANGE r 2 5 BYSCORE BYLEX
            ZRANGE r 2 5 BYSCORE BYSCORE
            ZRANGE r x 5 BYSCORE
            ZRANGE r 2 5 BYSCORE LIMIT 0 1 LIMIT 1 1
            # ---- lex ranges
            ZADD l 0 a 0 b 0 c 0 d 0 e 0 f 0 g 0 aa 0 "" 0 "\\xff" 0 "\\x00"
            ZRANGEBYLEX l - +
            ZRANGEBYLEX l [b [d
            ZRANGEBYLEX l (b (d
            ZRANGEBYLEX l [b +
            ZRANGEBYLEX l - (c
            ZRANGEBYLEX l [a [a
            ZRANGEBYLEX l (a (a
            ZRANGEBYLEX l + -
            ZRANGEBYLEX l - -
            ZRANGEBYLEX l + +
            ZRANGEBYLEX l [ [a
            ZRANGEBYLEX l ( +
            ZRANGEBYLEX l - + LIMIT 2 3
            ZRANGEBYLEX l - + LIMIT 0 -1
            ZRANGEBYLEX l - + LIMIT -1 2
            ZRANGEBYLEX l - + LIMIT 20 2
            ZRANGEBYLEX l - + WITHSCORES
            ZRANGEBYLEX l a b
            ZRANGEBYLEX l -a +
            ZRANGEBYLEX l - ++
            ZRANGEBYLEX l "" +
            ZRANGEBYLEX nokey a b
            ZRANGEBYLEX nokey - +
            ZREVRANGEBYLEX l + -
            ZREVRANGEBYLEX l [d [b
            ZREVRANGEBYLEX l [b [d
            ZREVRANGEBYLEX l + - LIMIT 1 2
            ZRANGE l [b [e BYLEX
            ZRANGE l [e [b BYLEX REV
            ZRANGE l [e [b BYLEX REV LIMIT 1 2
            ZRANGE l - + BYLEX WITHSCORES
            ZRANGE l a b BYLEX
            ZLEXCOUNT l - +
            ZLEXCOUNT l [b (e
            ZLEXCOUNT l + -
            ZLEXCOUNT l a b
            ZLEXCOUNT nokey - +
            ZLEXCOUNT nokey a b
            # mixed scores: the walk is Redis's (undefined but deterministic for a listpack)
            ZADD mixed 1 b 2 a 3 d 4 c
            ZRANGEBYLEX mixed - +
            ZRANGEBYLEX mixed [b [c
            ZRANGEBYLEX mixed [a [d
            ZREVRANGEBYLEX mixed [d [a
            ZLEXCOUNT mixed [a [c
            ZREMRANGEBYLEX mixed [b [c
            ZRANGE mixed 0 -1
            # ---- counts
            ZCOUNT r 2 5
            ZCOUNT r (2 (5
            ZCOUNT r -inf +inf
            ZCOUNT r 5 2
            ZCOUNT r (5 5
            ZCOUNT r a b
            ZCOUNT r 1 b
            ZCOUNT nokey 0 1
            ZCOUNT nokey a b
            # ---- ZRANGESTORE
            ZRANGESTORE dst r 0 2
            ZRANGE dst 0 -1 WITHSCORES
            OBJECT ENCODING dst
            ZRANGESTORE dst r 2 5 BYSCORE LIMIT 1 2
            ZRANGE dst 0 -1 WITHSCORES
            ZRANGESTORE dst r 5 2 BYSCORE REV
            ZRANGE dst 0 -1 WITHSCORES
            ZRANGESTORE dst l [b [d BYLEX
            ZRANGE dst 0 -1 WITHSCORES
            ZRANGESTORE dst r 0 -1 WITHSCORES
            ZRANGESTORE dst r 5 2
            EXISTS dst
            ZRANGESTORE dst r 0 1
            ZRANGESTORE dst nokey 0 1
            EXISTS dst
            SET dst string
            ZRANGESTORE dst r 0 1
            TYPE dst
            ZRANGESTORE dst r 0 1 LIMIT 0 1
            ZRANGESTORE r r 0 1
            ZRANGE r 0 -1
            ZADD r 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten
            # ---- ZREMRANGEBY*
            ZADD rr 1 a 2 b 3 c 4 d 5 e 6 f
            ZREMRANGEBYRANK rr 0 0
            ZREMRANGEBYRANK rr -1 -1
            ZREMRANGEBYRANK rr 5 10
            ZREMRANGEBYRANK rr 2 1
            ZREMRANGEBYRANK rr a 1
            ZRANGE rr 0 -1
            ZREMRANGEBYSCORE rr (2 3
            ZREMRANGEBYSCORE rr 5 2
            ZREMRANGEBYSCORE rr x 2
            ZRANGE rr 0 -1
            ZREMRANGEBYRANK rr -100 100
            EXISTS rr
            ZREMRANGEBYRANK nokey 0 1
            ZREMRANGEBYRANK nokey a 1
            ZREMRANGEBYSCORE nokey a 1
            ZREMRANGEBYLEX nokey a b
            ZADD rl 0 a 0 b 0 c 0 d
            ZREMRANGEBYLEX rl (a [c
            ZREMRANGEBYLEX rl a [c
            ZRANGE rl 0 -1
            ZREMRANGEBYLEX rl - +
            EXISTS rl
            ZADD rs 1 a 2 b
            ZREMRANGEBYSCORE rs -inf +inf
            EXISTS rs
            # ---- union, inter, diff
            ZADD s1 1 a 2 b 3 c
            ZADD s2 10 b 20 c 30 d
            ZADD s3 100 c 200 d 300 e
            ZUNION 2 s1 s2
            ZUNION 2 s1 s2 WITHSCORES
            ZUNION 3 s1 s2 s3 WITHSCORES
            ZUNION 2 s1 s2 WEIGHTS 2 0.5 WITHSCORES
            ZUNION 2 s1 s2 AGGREGATE MIN WITHSCORES
            ZUNION 2 s1 s2 AGGREGATE max WITHSCORES
            ZUNION 2 s1 s2 WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES
            ZUNION 2 s1 nokey WITHSCORES
            ZUNION 1 nokey
            ZUNION 1 nokey WITHSCORES
            ZUNION 2 s1 s1 WITHSCORES
            ZUNION 2 s1 s2 WITHSCORES WITHSCORES
            ZUNION 0 s1
            ZUNION -1 s1
            ZUNION x s1
            ZUNION 3 s1 s2
            ZUNION 2 s1 s2 WEIGHTS 1
            ZUNION 2 s1 s2 WEIGHTS 1 x
            ZUNION 2 s1 s2 WEIGHTS 1 nan
            ZUNION 2 s1 s2 AGGREGATE avg
            ZUNION 2 s1 s2 AGGREGATE
            ZUNION 2 s1 s2 FOO
            ZINTER 2 s1 s2
            ZINTER 2 s1 s2 WITHSCORES
            ZINTER 3 s1 s2 s3 WITHSCORES
            ZINTER 2 s1 s2 WEIGHTS 0 3 AGGREGATE MAX WITHSCORES
            ZINTER 2 s1 s2 AGGREGATE MIN WITHSCORES
            ZINTER 2 s1 nokey WITHSCORES
            ZINTER 2 s1 s1 WITHSCORES
            ZINTER 0 s1
            ZDIFF 1 s1
            ZDIFF 2 s1 s2 WITHSCORES
            ZDIFF 3 s3 s1 s2 WITHSCORES
            ZDIFF 2 nokey s1
            ZDIFF 2 s1 nokey WITHSCORES
            ZDIFF 2 s1 s1
            ZDIFF 2 s1 s2 WEIGHTS 1 1
            ZDIFF 2 s1 s2 AGGREGATE SUM
            ZDIFF 0 s1
            ZINTERCARD 2 s1 s2
            ZINTERCARD 3 s1 s2 s3
            ZINTERCARD 2 s1 s2 LIMIT 0
            ZINTERCARD 2 s1 s2 LIMIT 1
            ZINTERCARD 2 s1 s2 LIMIT 100
            ZINTERCARD 2 s1 s2 LIMIT -1
            ZINTERCARD 2 s1 s2 LIMIT x
            ZINTERCARD 2 s1 s2 LIMIT
            ZINTERCARD 2 s1 s2 WITHSCORES
            ZINTERCARD 2 s1 s2 WEIGHTS 1 1
            ZINTERCARD 0 s1
            ZINTERCARD -1 s1
            ZINTERCARD 3 s1 s2
            ZINTERCARD 1 nokey
            ZUNIONSTORE out 2 s1 s2
            ZRANGE out 0 -1 WITHSCORES
            OBJECT ENCODING out
            ZUNIONSTORE out 2 s1 s2 WEIGHTS 2 3 AGGREGATE MAX
            ZRANGE out 0 -1 WITHSCORES
            ZUNIONSTORE out 2 s1 s2 WITHSCORES
            ZINTERSTORE out 2 s1 s2 AGGREGATE MIN
            ZRANGE out 0 -1 WITHSCORES
            ZINTERSTORE out 2 s1 nokey
            EXISTS out
            ZDIFFSTORE out 2 s1 s2
            ZRANGE out 0 -1 WITHSCORES
            ZDIFFSTORE out 2 s1 s1
            EXISTS out
            ZDIFFSTORE out 2 s1 s2 WITHSCORES
            ZUNIONSTORE s1 2 s1 s2
            ZRANGE s1 0 -1 WITHSCORES
            ZUNIONSTORE out 0 s1
            ZINTERSTORE out 0 s1
            ZDIFFSTORE out 0 s1
            # plain sets are inputs too, every member scoring 1
            SADD set1 a b c x
            SADD iset 3 1 2
            ZADD zs 5 a 6 b 10 y
            ZUNION 2 zs set1 WITHSCORES
            ZINTER 2 zs set1 WITHSCORES
            ZINTER 2 set1 zs WEIGHTS 2 3 WITHSCORES
            ZINTER 2 set1 zs AGGREGATE MAX WITHSCORES
            ZDIFF 2 set1 zs WITHSCORES
            ZDIFF 2 zs set1 WITHSCORES
            ZINTERCARD 2 set1 zs
            ZINTERCARD 2 set1 iset
            ZUNION 1 iset WITHSCORES
            ZUNION 2 iset set1 WEIGHTS 0.5 2 WITHSCORES
            ZUNIONSTORE zo 2 set1 iset
            ZRANGE zo 0 -1 WITHSCORES
            OBJECT ENCODING zo
            ZDIFFSTORE zo 1 iset
            ZRANGE zo 0 -1 WITHSCORES
            ZINTERSTORE zo 2 set1 nokey
            EXISTS zo
            HSET h f v
            ZUNION 2 zs h
            ZINTERSTORE zo 2 zs h
            ZRANGE h 0 -1
            # infinities and NaN in the algebra: inf + -inf sums to 0, 0 * inf weights to 0
            ZADD i1 inf a -inf b 1 c
            ZADD i2 -inf a inf b inf c
            ZUNION 2 i1 i2 WITHSCORES
            ZINTER 2 i1 i2 WITHSCORES
            ZUNION 2 i1 i2 WEIGHTS 0 1 WITHSCORES
            ZUNION 2 i1 i2 WEIGHTS 0 0 AGGREGATE MAX WITHSCORES
            ZUNION 2 i1 i2 AGGREGATE MIN WITHSCORES
            ZINTER 2 i1 i2 WEIGHTS -1 inf WITHSCORES
            ZUNION 1 i1 WEIGHTS 1e308 WITHSCORES
            ZUNIONSTORE out 2 i1 i2
            ZRANGE out 0 -1 WITHSCORES
            # ---- pops
            ZADD p 1 a 2 b 3 c 4 d 5 e
            ZPOPMIN p
            ZPOPMAX p
            ZPOPMIN p 2
            ZPOPMAX p 0
            ZPOPMIN p -1
            ZPOPMIN p x
            ZPOPMIN p 1 2
            ZPOPMIN p 10
            EXISTS p
            ZPOPMIN p
            ZPOPMIN p 5
            ZPOPMAX nokey
            ZPOPMAX nokey 0
            ZADD p 1 a 2 b 3 c 4 d 5 e
            ZMPOP 1 p MIN
            ZMPOP 1 p MAX COUNT 2
            ZMPOP 2 nokey p MIN COUNT 10
            EXISTS p
            ZMPOP 2 nokey p MIN
            ZMPOP 0 p MIN
            ZMPOP -1 p MIN
            ZMPOP x p MIN
            ZMPOP 2 p MIN
            ZMPOP 1 p FOO
            ZMPOP 1 p MIN COUNT 0
            ZMPOP 1 p MIN COUNT -1
            ZMPOP 1 p MIN COUNT x
            ZMPOP 1 p MIN COUNT 1 COUNT 1
            ZMPOP 1 p MIN COUNT
            ZMPOP 1 p MIN FOO
            ZMPOP 9223372036854775807 p MIN
            ZADD p 1 a 2 b 3 c
            BZPOPMIN nokey p 0
            BZPOPMAX p 0
            BZPOPMIN p 1.5
            BZPOPMAX p x
            BZPOPMAX p -1
            BZPOPMAX p inf
            BZPOPMAX p -inf
            BZPOPMAX p 1e300
            BZPOPMAX p 1e400
            BZPOPMAX p 1e5000
            BZPOPMAX p 9223372036854776
            BZPOPMAX p nan
            BZPOPMAX p " 1"
            BZPOPMAX p ""
            ZADD p 1 a 2 b 3 c
            BZMPOP 0 1 p MIN
            BZMPOP 0 2 nokey p MAX COUNT 5
            BZMPOP x 1 p MIN
            BZMPOP 0 0 p MIN
            BZMPOP -1 1 p MIN
            BZMPOP 0 1 p FOO
            BZMPOP 0 1 p MIN COUNT 0
            # blocking commands do not block inside MULTI: they answer like a timeout
            MULTI
            BZPOPMIN nokey 0
            BZPOPMAX nokey 1
            BZMPOP 0 1 nokey MIN
            BZPOPMIN nokey -0.0001
            BZPOPMIN nokey 0x10
            BZMPOP 0.001 1 nokey MIN COUNT 3
            ZADD p 7 x
            BZPOPMIN p 0
            EXEC
            # ---- ZRANDMEMBER, where the reply is deterministic
            ZADD rm 1 a 2 b 3 c
            ZRANDMEMBER rm 0
            ZRANDMEMBER rm 3
            ZRANDMEMBER rm 10 WITHSCORES
            ZRANDMEMBER rm 3 withscores
            ZRANDMEMBER rm 0 WITHSCORES
            ZRANDMEMBER rm x
            ZRANDMEMBER rm 1 foo
            ZRANDMEMBER rm 1 WITHSCORES foo
            ZRANDMEMBER rm -9223372036854775808
            ZRANDMEMBER rm 9223372036854775807 WITHSCORES
            ZRANDMEMBER rm -5000000000000000000 WITHSCORES
            ZRANDMEMBER nokey
            ZRANDMEMBER nokey 5
            ZRANDMEMBER nokey 5 WITHSCORES
            ZRANDMEMBER nokey 1 foo
            ZRANDMEMBER nokey x
            ZADD one 1.5 only
            ZRANDMEMBER one
            ZRANDMEMBER one -3
            ZRANDMEMBER one -2 WITHSCORES
            ZRANDMEMBER one 1 WITHSCORES
            # ---- ZSCAN of a listpack (one call, cursor 0)
            ZADD sc 1 alpha 2.5 beta inf gamma -0.25 delta 1e-7 tiny
            ZSCAN sc 0
            ZSCAN sc 0 MATCH *a
            ZSCAN sc 0 MATCH nothing*
            ZSCAN sc 0 COUNT 1
            ZSCAN sc 0 COUNT 0
            ZSCAN sc 0 COUNT x
            ZSCAN sc 0 MATCH
            ZSCAN sc 0 TYPE zset
            ZSCAN sc x
            ZSCAN sc -1
            ZSCAN sc 18446744073709551615
            ZSCAN sc 18446744073709551616
            ZSCAN sc ""
            ZSCAN sc +0
            ZSCAN sc -18446744073709551615
            ZSCAN sc -18446744073709551616
            ZSCAN sc " 1"
            ZSCAN sc -
            ZSCAN sc 0x1
            ZSCAN sc 00000000000000000000000000000000000000000001
            ZSCAN nokey 0
            ZSCAN nokey 0 COUNT 0
            ZSCAN nokey x
            """;

    static List<byte[][]> parse(String script) {
        List<byte[][]> out = new ArrayList<>();
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            byte[] raw = t.getBytes(StandardCharsets.UTF_8);
            out.add(ArgSplitter.split(raw, 0, raw.length).toArray(new byte[0][]));
        }
        return out;
    }

    static String[] args(String... a) {
        return a;
    }

    /** Commands over sets in the "skiplist" encoding and the conversions between encodings. */
    static List<byte[][]> encodingScript() {
        List<String[]> cmds = new ArrayList<>();
        List<String> big = new ArrayList<>(List.of("ZADD", "big"));
        for (int i = 0; i < 200; i++) {
            big.add(Integer.toString(i % 50)); // many ties, so member order matters
            big.add("m" + i);
        }
        List<String> edge = new ArrayList<>(List.of("ZADD", "edge"));
        for (int i = 0; i < 128; i++) {
            edge.add(Integer.toString(i));
            edge.add("e" + i);
        }
        cmds.add(edge.toArray(new String[0]));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "0", "e0"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "XX", "0", "e999"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "edge", "1000", "e128"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZREMRANGEBYRANK", "edge", "0", "100"));
        cmds.add(args("OBJECT", "ENCODING", "edge"));
        cmds.add(args("ZADD", "longm", "1", "x".repeat(64)));
        cmds.add(args("OBJECT", "ENCODING", "longm"));
        cmds.add(args("ZADD", "longm", "2", "y".repeat(65)));
        cmds.add(args("OBJECT", "ENCODING", "longm"));
        cmds.add(args("ZADD", "longm2", "-0", "a", "1", "y".repeat(65)));
        cmds.add(args("OBJECT", "ENCODING", "longm2"));
        cmds.add(args("ZSCORE", "longm2", "a"));
        cmds.add(args("ZADD", "longm2", "-0", "b"));
        cmds.add(args("ZRANGE", "longm2", "0", "-1", "WITHSCORES"));
        cmds.add(big.toArray(new String[0]));
        String[][] queries = {
            {"OBJECT", "ENCODING", "big"}, {"ZCARD", "big"},
            {"ZRANGE", "big", "0", "-1", "WITHSCORES"}, {"ZRANGE", "big", "10", "30"},
            {"ZRANGE", "big", "-30", "-10", "REV", "WITHSCORES"}, {"ZREVRANGE", "big", "5", "9"},
            {"ZRANGEBYSCORE", "big", "(10", "20", "WITHSCORES"}, {"ZRANGEBYSCORE", "big", "10", "20", "LIMIT", "3", "7"},
            {"ZREVRANGEBYSCORE", "big", "30", "(20", "LIMIT", "2", "5", "WITHSCORES"},
            {"ZRANGEBYSCORE", "big", "-inf", "+inf", "LIMIT", "199", "10"},
            {"ZRANGEBYSCORE", "big", "-inf", "+inf", "LIMIT", "200", "10"},
            {"ZCOUNT", "big", "10", "(20"}, {"ZCOUNT", "big", "-inf", "+inf"}, {"ZCOUNT", "big", "60", "70"},
            {"ZRANK", "big", "m77"}, {"ZREVRANK", "big", "m77"}, {"ZRANK", "big", "m0"}, {"ZRANK", "big", "nosuch"},
            {"ZSCORE", "big", "m199"}, {"ZMSCORE", "big", "m1", "nosuch", "m150"},
            {"ZRANGESTORE", "bigcopy", "big", "0", "-1"}, {"OBJECT", "ENCODING", "bigcopy"},
            {"ZRANGESTORE", "bigsmall", "big", "0", "9"}, {"OBJECT", "ENCODING", "bigsmall"},
            {"ZUNIONSTORE", "bigu", "2", "big", "r"}, {"OBJECT", "ENCODING", "bigu"},
            {"ZINTERSTORE", "bigi", "2", "big", "bigsmall"}, {"OBJECT", "ENCODING", "bigi"},
            {"ZRANGE", "bigi", "0", "-1", "WITHSCORES"},
            {"ZINTER", "2", "big", "bigsmall", "WITHSCORES"}, {"ZINTERCARD", "2", "big", "bigcopy", "LIMIT", "17"},
            {"ZDIFF", "2", "big", "bigsmall"},
            {"ZREM", "big", "m0", "m1", "m2", "nosuch"}, {"ZINCRBY", "big", "100", "m3"}, {"ZRANK", "big", "m3"},
            {"ZADD", "big", "GT", "CH", "1", "m4", "1000", "m5"}, {"ZREVRANGE", "big", "0", "2", "WITHSCORES"},
            {"ZREMRANGEBYSCORE", "big", "10", "(12"}, {"ZREMRANGEBYRANK", "big", "-5", "-1"},
            {"ZRANGE", "big", "0", "-1", "WITHSCORES"},
            {"ZPOPMIN", "big", "3"}, {"ZPOPMAX", "big"}, {"ZMPOP", "1", "big", "MAX", "COUNT", "2"},
            {"ZRANDMEMBER", "big", "1000", "WITHSCORES"},
            {"ZREMRANGEBYRANK", "big", "0", "-10"}, {"OBJECT", "ENCODING", "big"}, {"ZCARD", "big"},
            {"ZADD", "lexbig", "0", "placeholder"},
        };
        cmds.addAll(Arrays.asList(queries));
        List<String> lexbig = new ArrayList<>(List.of("ZADD", "lexbig"));
        for (int i = 0; i < 150; i++) {
            lexbig.add("0");
            lexbig.add(String.format("w%03d", i));
        }
        cmds.add(lexbig.toArray(new String[0]));
        String[][] lexQueries = {
            {"OBJECT", "ENCODING", "lexbig"}, {"ZRANGEBYLEX", "lexbig", "[w010", "(w020"},
            {"ZREVRANGEBYLEX", "lexbig", "(w100", "[w090", "LIMIT", "1", "3"}, {"ZLEXCOUNT", "lexbig", "(w010", "+"},
            {"ZLEXCOUNT", "lexbig", "-", "+"}, {"ZLEXCOUNT", "lexbig", "+", "-"},
            {"ZRANGEBYLEX", "lexbig", "[w148", "+"}, {"ZREMRANGEBYLEX", "lexbig", "[w000", "[w139"},
            {"ZRANGE", "lexbig", "0", "-1"},
            // thresholds are read on every insertion
            {"CONFIG", "SET", "zset-max-listpack-entries", "2"},
            {"ZADD", "tiny", "1", "a", "2", "b"}, {"OBJECT", "ENCODING", "tiny"},
            {"ZADD", "tiny", "3", "c"}, {"OBJECT", "ENCODING", "tiny"},
            {"ZUNIONSTORE", "tiny2", "1", "tiny"}, {"OBJECT", "ENCODING", "tiny2"},
            {"ZRANGESTORE", "tiny3", "tiny", "0", "1"}, {"OBJECT", "ENCODING", "tiny3"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "0"},
            {"ZADD", "tiny4", "1", "a"}, {"OBJECT", "ENCODING", "tiny4"},
            {"CONFIG", "SET", "zset-max-listpack-value", "3"},
            {"CONFIG", "SET", "zset-max-listpack-entries", "128"},
            {"ZADD", "tiny5", "1", "abc"}, {"OBJECT", "ENCODING", "tiny5"},
            {"ZADD", "tiny5", "1", "abcd"}, {"OBJECT", "ENCODING", "tiny5"},
            {"CONFIG", "SET", "zset-max-listpack-value", "64"},
        };
        cmds.addAll(Arrays.asList(lexQueries));
        List<byte[][]> out = new ArrayList<>();
        for (String[] c : cmds) {
            out.add(RespClient.args(c));
        }
        return out;
    }

    static String show(byte[] reply) {
        String s = new String(reply, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static String show(byte[][] cmd) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : cmd) {
            String s = new String(a, StandardCharsets.ISO_8859_1);
            sb.append(s.length() > 40 ? s.substring(0, 40) + "..." : s).append(' ');
        }
        return sb.toString().trim();
    }

    void runBoth(int protocol, List<byte[][]> commands) {
        try (RespClient a = real.client(); RespClient b = ours.client()) {
            a.call("FLUSHALL");
            b.call("FLUSHALL");
            if (protocol == 3) {
                a.call("HELLO", "3");
                b.call("HELLO", "3");
            }
            List<String> diffs = new ArrayList<>();
            for (byte[][] cmd : commands) {
                byte[] ra = a.call(cmd);
                byte[] rb;
                try {
                    rb = b.call(cmd);
                } catch (IllegalStateException e) {
                    throw new AssertionError("RESP" + protocol + " " + show(cmd) + ": " + e.getMessage(), e);
                }
                if (!Arrays.equals(ra, rb)) {
                    diffs.add("RESP" + protocol + " " + show(cmd) + "\n   redis:   " + show(ra) + "\n   redmesh: " + show(rb));
                }
            }
            // The connection still works after every malformed command.
            assertTrue(Arrays.equals(a.call("PING"), b.call("PING")));
            assertTrue(diffs.isEmpty(), diffs.size() + " differences:\n" + String.join("\n", diffs.subList(0, Math.min(60, diffs.size()))));
        }
    }

    @Test
    void scriptResp2() {
        runBoth(2, parse(SCRIPT));
    }

    @Test
    void scriptResp3() {
        runBoth(3, parse(SCRIPT));
    }

    /**
     * Random operations with a fixed seed over a few keys that cross the encoding thresholds
     * both ways (by count and by member length), compared after every command.
     */
    static List<byte[][]> randomScript(long seed, int n) {
        java.util.Random rnd = new java.util.Random(seed);
        String[] keys = {"ra", "rb", "rc"};
        String[] scores = {"0", "-0", "1", "1.5", "-2.25", "3", "1e-3", "inf", "-inf", "7", "100", "0.1"};
        List<byte[][]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = keys[rnd.nextInt(keys.length)];
            String k2 = keys[rnd.nextInt(keys.length)];
            String m = rnd.nextInt(40) == 0 ? "long-" + "x".repeat(70) + rnd.nextInt(3) : "m" + rnd.nextInt(160);
            String s = scores[rnd.nextInt(scores.length)];
            String lo = scores[rnd.nextInt(scores.length)];
            String hi = scores[rnd.nextInt(scores.length)];
            String a = Integer.toString(rnd.nextInt(30) - 15);
            String b = Integer.toString(rnd.nextInt(30) - 15);
            String[] cmd;
            switch (rnd.nextInt(22)) {
                case 0: case 1: case 2: case 3: cmd = args("ZADD", k, s, m); break;
                case 4: cmd = args("ZADD", k, "GT", "CH", s, m, hi, "m" + rnd.nextInt(160)); break;
                case 5: cmd = args("ZINCRBY", k, s, m); break;
                case 6: cmd = args("ZREM", k, m, "m" + rnd.nextInt(160)); break;
                case 7: cmd = args("ZRANGE", k, a, b, "WITHSCORES"); break;
                case 8: cmd = args("ZRANGE", k, "(" + lo, hi, "BYSCORE", "LIMIT", "1", "5", "WITHSCORES"); break;
                case 9: cmd = args("ZREVRANGEBYSCORE", k, hi, lo, "WITHSCORES"); break;
                case 10: cmd = args("ZRANK", k, m); break;
                case 11: cmd = args("ZREVRANK", k, m); break;
                case 12: cmd = args("ZCOUNT", k, lo, "(" + hi); break;
                case 13: cmd = args("ZREMRANGEBYRANK", k, a, b); break;
                case 14: cmd = args("ZREMRANGEBYSCORE", k, lo, hi); break;
                case 15: cmd = args("ZPOPMIN", k, Integer.toString(rnd.nextInt(3))); break;
                case 16: cmd = args("ZUNIONSTORE", k, "2", k, k2, "WEIGHTS", s, "2", "AGGREGATE", "MAX"); break;
                case 17: cmd = args("ZINTER", "2", k, k2, "WITHSCORES"); break;
                case 18: cmd = args("ZRANGESTORE", k2, k, a, "-1"); break;
                case 19: cmd = args("OBJECT", "ENCODING", k); break;
                case 20: cmd = args("ZMSCORE", k, m, "m" + rnd.nextInt(160)); break;
                default: {
                    List<String> add = new ArrayList<>(List.of("ZADD", k));
                    int many = rnd.nextInt(60);
                    for (int j = 0; j < many; j++) {
                        add.add(scores[rnd.nextInt(scores.length)]);
                        add.add("m" + rnd.nextInt(160));
                    }
                    add.add("1");
                    add.add(m);
                    cmd = add.toArray(new String[0]);
                }
            }
            out.add(RespClient.args(cmd));
        }
        for (String k : keys) {
            out.add(RespClient.args("ZRANGE", k, "0", "-1", "WITHSCORES"));
            out.add(RespClient.args("OBJECT", "ENCODING", k));
        }
        return out;
    }

    @Test
    void randomOperationsResp2() {
        runBoth(2, randomScript(20261127L, 3000));
    }

    @Test
    void randomOperationsResp3() {
        runBoth(3, randomScript(42L, 3000));
    }

    @Test
    void encodingsResp2() {
        List<byte[][]> all = new ArrayList<>(parse("ZADD r 1 one 2 two 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten"));
        all.addAll(encodingScript());
        runBoth(2, all);
    }

    @Test
    void encodingsResp3() {
        List<byte[][]> all = new ArrayList<>(parse("ZADD r 1 one 2 two 3 three 4 four 5 five 6 six 7 seven 8 eight 9 nine 10 ten"));
        all.addAll(encodingScript());
        runBoth(3, all);
    }
}
