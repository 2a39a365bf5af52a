package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What stream commands propagate, compared with Redis 7.0.15's incr file: XADD with the ID it
 * chose, approximate trims as the exact trims they were, XREADGROUP as XCLAIM (or XGROUP SETID
 * with NOACK), XCLAIM/XAUTOCLAIM as idempotent XCLAIMs; and a stream written by an AOF rewrite
 * without preamble (XADD, XSETID, XGROUP CREATE, XCLAIM, CREATECONSUMER) loads back the same.
 * Delivery times (TIME ms) are the one masked part.
 */
class StreamAofCompatTest {
    private static final List<String> SCRIPT = List.of(
            "XADD s 1-1 f v", "XADD s 2-* f v", "XADD s 2-* f v", "XADD s MAXLEN ~ 1 3-1 f v", "XTRIM s MAXLEN ~ 0",
            "XTRIM s MAXLEN 2", "XADD s MINID = 2-1 4-1 a b", "XADD s 5-1 a b", "XADD s MINID ~ 9 LIMIT 5 6-1 a b",
            "XDEL s 4-1 99-1", "XSETID s 10-1 ENTRIESADDED 50", "XADD s 11-1 f v", "XADD s 12-1 f v",
            "XADD s NOMKSTREAM 13-1 x y", "XADD none NOMKSTREAM 1-1 x y", "XREAD STREAMS s 0",
            "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $ ENTRIESREAD 3", "XGROUP CREATE m g 0 MKSTREAM",
            "XGROUP CREATECONSUMER s g bob", "XGROUP CREATECONSUMER s g bob",
            "XREADGROUP GROUP g alice COUNT 2 STREAMS s >", "XREADGROUP GROUP g carol NOACK COUNT 1 STREAMS s >",
            "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g2 dan STREAMS s >",
            "XREADGROUP GROUP g zed STREAMS m >", "XACK s g 5-1", "XACK s g 5-1",
            "XCLAIM s g bob 0 6-1 TIME 4102444800000", "XCLAIM s g bob 0 6-1 JUSTID LASTID 20-1",
            "XCLAIM s g bob 0 99-1 FORCE", "XAUTOCLAIM s g eve 0 0 COUNT 5", "XGROUP SETID s g 1-1 ENTRIESREAD 1",
            "XGROUP SETID s g2 $", "XGROUP DELCONSUMER s g alice", "XGROUP DELCONSUMER s g nobody",
            "XGROUP DESTROY s g2", "XGROUP DESTROY s g2", "MULTI", "XADD s 30-1 a b", "XREADGROUP GROUP g bob STREAMS s >",
            "EXEC", "XTRIM s MAXLEN 0", "XGROUP CREATE s g3 0", "DEL s");

    private Path ourDir;
    private Path realDir;

    @BeforeEach
    void setUp() throws Exception {
        ourDir = AofTestSupport.tempDir("aof-xstream-ours");
        realDir = AofTestSupport.tempDir("aof-xstream-real");
    }

    @AfterEach
    void tearDown() {
        AofTestSupport.deleteTree(ourDir);
        AofTestSupport.deleteTree(realDir);
    }

    private static String masked(String aof) {
        return aof.replaceAll("TIME \\$\\d+ \\d+ ", "TIME \\$N N ");
    }

    @Test
    void incrFileMatchesRedis() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        String[] directives = {"--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--appendfsync", "always"};
        try (ServerFixture node = ServerFixture.start(AofStreamCompatTest.concat(new String[] {"--dir", ourDir.toString()}, directives));
             RedisProcess real = RedisProcess.start(AofStreamCompatTest.concat(new String[] {"--dir", realDir.toString()}, directives));
             RespClient o = node.client();
             RespClient r = real.client()) {
            for (String line : SCRIPT) {
                String[] cmd = line.split(" ");
                String want = r.callString(cmd);
                String got = o.callString(cmd);
                if (!line.startsWith("XREADGROUP") && !line.startsWith("XCLAIM") && !line.startsWith("XAUTOCLAIM")
                        && !line.equals("EXEC")) {
                    assertEquals(want, got, line);
                }
            }
            assertEquals(masked(AofStreamCompatTest.read(realDir)), masked(AofStreamCompatTest.read(ourDir)));
        }
    }

    /** BGREWRITEAOF without preamble, then a restart that loads the commands it wrote. */
    @Test
    void rewrittenStreamLoadsBack() throws Exception {
        String[] directives = {"--dir", ourDir.toString(), "--appendonly", "yes", "--aof-use-rdb-preamble", "no"};
        String before;
        try (ServerFixture node = ServerFixture.start(directives); RespClient o = node.client()) {
            for (int i = 1; i <= 150; i++) {
                o.call("XADD", "s", i + "-1", "f", "v" + i);
            }
            o.call("XDEL", "s", "7-1");
            o.call("XGROUP", "CREATE", "s", "g", "0");
            o.call("XREADGROUP", "GROUP", "g", "alice", "COUNT", "3", "STREAMS", "s", ">");
            o.call("XGROUP", "CREATECONSUMER", "s", "g", "idle");
            o.call("XGROUP", "CREATE", "e", "g", "$", "MKSTREAM");
            o.call("XSETID", "e", "5-5", "ENTRIESADDED", "9", "MAXDELETEDID", "4-4");
            assertEquals("+Background append only file rewriting started\r\n", o.callString("BGREWRITEAOF"));
            AofInteropTest.waitRewrite(o);
            before = describe(o);
        }
        try (ServerFixture node = ServerFixture.start(directives); RespClient o = node.client()) {
            assertEquals(before, describe(o));
        }
    }

    private static String describe(RespClient c) {
        // A consumer's seen-time is not part of the rewrite (nor of Redis's): it is when it loaded.
        return (c.callString("XINFO", "STREAM", "s", "FULL") + c.callString("XINFO", "STREAM", "e", "FULL"))
                .replaceAll("seen-time\r\n:\\d+", "seen-time");
    }
}
