package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Jedis's Pipeline (thousands of commands in flight on one connection, replies matched back in
 * order) and its Transaction API: MULTI/EXEC, DISCARD, errors inside EXEC, EXECABORT, and WATCH
 * conflicts caused by another connection.
 */
class JedisPipelineTransactionTest {
    private static ClientServer server;

    @BeforeAll
    static void start() {
        server = ClientServer.start();
    }

    @AfterAll
    static void stop() {
        try {
            server.assertHealthy();
        } finally {
            server.close();
        }
    }

    private static Jedis connect(RedisProtocol protocol) {
        Jedis j = JedisSupport.connect(server, protocol);
        j.flushAll();
        return j;
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void pipelineOfThousandsKeepsRepliesInOrder(RedisProtocol protocol) {
        int n = 5_000;
        try (Jedis j = connect(protocol)) {
            List<Response<String>> sets = new ArrayList<>(n);
            List<Response<Long>> incrs = new ArrayList<>(n);
            List<Response<String>> gets = new ArrayList<>(n);
            List<Response<Long>> pushes = new ArrayList<>(n);
            try (Pipeline p = j.pipelined()) {
                for (int i = 0; i < n; i++) {
                    sets.add(p.set("key:" + i, "value:" + i));
                    incrs.add(p.incr("counter"));
                    gets.add(p.get("key:" + i));
                    pushes.add(p.rpush("log", Integer.toString(i)));
                }
                // an error in the middle of a pipeline fails only its own response
                Response<Long> bad = p.incr("key:0");
                Response<String> after = p.get("key:1");
                p.sync();
                JedisDataException e = assertThrows(JedisDataException.class, bad::get);
                assertEquals("ERR value is not an integer or out of range", e.getMessage());
                assertEquals("value:1", after.get());
            }
            for (int i = 0; i < n; i++) {
                assertEquals("OK", sets.get(i).get());
                assertEquals(i + 1, incrs.get(i).get());
                assertEquals("value:" + i, gets.get(i).get());
                assertEquals(i + 1, pushes.get(i).get());
            }
            assertEquals(Integer.toString(n), j.get("counter"));
            assertEquals(n, j.llen("log"));
            assertEquals(n + 2, j.dbSize());

            // syncAndReturnAll gives the raw replies in order
            Pipeline p = j.pipelined();
            for (int i = 0; i < 1000; i++) {
                p.exists("key:" + i);
            }
            List<Object> all = p.syncAndReturnAll();
            assertEquals(1000, all.size());
            assertTrue(all.stream().allMatch(Boolean.TRUE::equals));
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void multiExec(RedisProtocol protocol) {
        try (Jedis j = connect(protocol)) {
            Transaction t = j.multi();
            Response<String> set = t.set("k", "1");
            Response<Long> incr = t.incrBy("k", 41);
            Response<Long> push = t.lpush("l", "a", "b");
            Response<List<String>> range = t.lrange("l", 0, -1);
            Response<String> missing = t.get("nothing");
            List<Object> results = t.exec();
            assertEquals(5, results.size());
            assertEquals("OK", set.get());
            assertEquals(42, incr.get());
            assertEquals(2, push.get());
            assertEquals(List.of("b", "a"), range.get());
            assertNull(missing.get());

            // a command failing at run time inside EXEC fails alone; the others are applied
            t = j.multi();
            Response<Long> bad = t.incr("l");
            Response<String> good = t.set("after", "yes");
            results = t.exec();
            assertEquals(2, results.size());
            assertInstanceOf(JedisDataException.class, results.get(0));
            JedisDataException wrongType = assertThrows(JedisDataException.class, bad::get);
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", wrongType.getMessage());
            assertEquals("OK", good.get());
            assertEquals("yes", j.get("after"));

            // DISCARD throws the queue away
            t = j.multi();
            t.set("discarded", "x");
            assertEquals("OK", t.discard());
            assertFalse(j.exists("discarded"));

            // a command refused while queuing (unknown) aborts the whole EXEC
            t = j.multi();
            t.set("never", "x");
            t.sendCommand(() -> "NOSUCHCOMMAND".getBytes(), "a");
            JedisDataException abort = assertThrows(JedisDataException.class, t::exec);
            assertEquals("EXECABORT Transaction discarded because of previous errors.", abort.getMessage());
            assertFalse(j.exists("never"));
            assertEquals("PONG", j.ping(), "the connection is usable after EXECABORT");

            // and a wrong arity too
            t = j.multi();
            t.sendCommand(Protocol.Command.GET, "a", "b");
            assertThrows(JedisDataException.class, t::exec);

            assertEquals("PONG", j.ping());
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void watchConflictAbortsExec(RedisProtocol protocol) {
        try (Jedis j = connect(protocol); Jedis other = JedisSupport.connect(server, protocol)) {
            j.set("balance", "100");

            // untouched: EXEC runs
            assertEquals("OK", j.watch("balance"));
            int balance = Integer.parseInt(j.get("balance"));
            Transaction t = j.multi();
            t.set("balance", Integer.toString(balance - 10));
            assertEquals(List.of("OK"), t.exec());
            assertEquals("90", j.get("balance"));

            // another client writes the watched key between WATCH and EXEC: EXEC returns null
            j.watch("balance");
            assertEquals("95", Long.toString(other.incrBy("balance", 5)));
            t = j.multi();
            t.set("balance", "0");
            assertNull(t.exec());
            assertEquals("95", j.get("balance"));

            // a watched key that expires, is deleted or is touched by a write also counts; a
            // read by someone else does not
            j.watch("balance");
            other.get("balance");
            t = j.multi();
            t.incr("balance");
            assertEquals(List.of(96L), t.exec());

            j.watch("ghost");
            other.set("ghost", "boo");
            other.del("ghost");
            t = j.multi();
            t.set("ghost", "mine");
            assertNull(t.exec());
            assertFalse(j.exists("ghost"));

            // UNWATCH forgets
            j.watch("balance");
            other.incr("balance");
            j.unwatch();
            t = j.multi();
            t.incr("balance");
            assertEquals(List.of(98L), t.exec());

            // the optimistic-locking retry loop people write: it converges
            int attempts = 0;
            while (true) {
                attempts++;
                j.watch("balance");
                long current = Long.parseLong(j.get("balance"));
                if (attempts == 1) {
                    other.incr("balance"); // a competitor wins the first round
                }
                Transaction tx = j.multi();
                tx.set("balance", Long.toString(current * 2));
                if (tx.exec() != null) {
                    break;
                }
                assertTrue(attempts < 5);
            }
            assertEquals(2, attempts);
            assertEquals("198", j.get("balance"));
        }
    }
}
