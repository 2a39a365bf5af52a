package io.redmesh.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.ReplicatedNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Functions and shebang scripts are checked with the flags they declare, as Redis 7.0's
 * getCommandFlags() makes processCommand() check them: on a read-only replica a writing function
 * gets -READONLY and a no-writes one runs; with the master's link down and
 * replica-serve-stale-data no, only allow-stale ones run (-MASTERDOWN for the rest). The same
 * requests go to a RedMesh node and a redis-server in the same state; the replies must be equal.
 */
class ScriptFlagsOnReplicaTest {
    static final String LIB = "#!lua name=flags\n"
            + "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)\n"
            + "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}}\n"
            + "redis.register_function{function_name='stale', callback=function(keys) return redis.call('exists', keys[1]) end,"
            + " flags={'no-writes', 'allow-stale'}}\n"
            + "redis.register_function{function_name='stale_w', callback=function(keys) return redis.call('set', keys[1], 'v') end,"
            + " flags={'allow-stale'}}";
    static final String[][] REQUESTS = {
        {"FCALL", "w", "1", "k"}, {"FCALL", "ro", "1", "k"}, {"FCALL", "stale", "1", "k"}, {"FCALL", "stale_w", "1", "k"},
        {"FCALL_RO", "ro", "1", "k"}, {"FCALL_RO", "w", "1", "k"}, {"FCALL", "nosuch", "0"},
        {"EVAL", "#!lua flags=no-writes,allow-stale\nreturn redis.call('exists', 'k')", "0"},
        {"EVAL", "#!lua flags=no-writes\nreturn redis.call('exists', 'k')", "0"},
        {"EVAL", "#!lua\nreturn redis.call('set', 'k', 'v')", "0"}, {"EVAL", "return 1", "0"},
        {"EVAL", "#!lua flags=bad\nreturn 1", "0"}, {"GET", "k"}};

    private static List<String> replies(RespClient c) {
        List<String> out = new ArrayList<>();
        for (String[] r : REQUESTS) {
            out.add(String.join(" ", r).replace("\n", " ") + " -> " + c.callString(r));
        }
        return out;
    }

    private static List<List<String>> exercise(RespClient c, int deadPort) {
        List<List<String>> out = new ArrayList<>();
        assertEquals("$5\r\nflags\r\n", c.callString("FUNCTION", "LOAD", LIB));
        out.add(replies(c)); // a master: everything runs
        c.call("REPLICAOF", "127.0.0.1", Integer.toString(deadPort));
        out.add(replies(c)); // a read-only replica serving stale data
        c.call("CONFIG", "SET", "replica-serve-stale-data", "no");
        out.add(replies(c)); // link down, stale data refused
        c.call("CONFIG", "SET", "replica-read-only", "no");
        out.add(replies(c));
        return out;
    }

    @Test
    void declaredFlagsDecideAsInRedis() {
        assumeTrue(RedisProcess.available(), "redis-server is not installed");
        int deadPort = Ports.free();
        try (ReplicatedNode ours = ReplicatedNode.start("node"); RespClient o = ours.client();
             RedisProcess real = RedisProcess.start(); RespClient r = real.client()) {
            List<List<String>> expected = exercise(r, deadPort);
            List<List<String>> actual = exercise(o, deadPort);
            List<String> differ = new ArrayList<>();
            for (int phase = 0; phase < expected.size(); phase++) {
                for (int i = 0; i < expected.get(phase).size(); i++) {
                    if (!expected.get(phase).get(i).equals(actual.get(phase).get(i))) {
                        differ.add("phase " + phase + ": redis " + expected.get(phase).get(i).trim()
                                + " | ours " + actual.get(phase).get(i).trim());
                    }
                }
            }
            assertEquals(List.of(), differ);
        }
    }
}
