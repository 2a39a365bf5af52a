package io.redmesh.node.persist.aof;

import io.redmesh.node.testing.RespClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Shared by the AOF tests: a varied dataset, a canonical dump of a server's data, temp dirs. */
final class AofTestSupport {
    private AofTestSupport() {}

    /** Writes every kind of value, TTLs, a transaction, other databases, rewritten commands. */
    static void populate(RespClient c) {
        ok(c.callString("SET", "s1", "hello"));
        ok(c.callString("SET", "s2", "with space\r\nand crlf"));
        ok(c.callString("SETEX", "ttl1", "1000", "v"));
        ok(c.callString("SET", "ttl2", "v", "PX", "5000000"));
        c.callString("INCR", "counter");
        c.callString("INCRBY", "counter", "41");
        c.callString("INCRBYFLOAT", "float", "1.5");
        c.callString("APPEND", "s1", " world");
        c.callString("EXPIRE", "s1", "100000");
        c.callString("PERSIST", "s1");
        for (int i = 0; i < 300; i++) {
            c.callString("RPUSH", "biglist", "item" + i);
            c.callString("SADD", "bigset", "m" + i);
            c.callString("HSET", "bighash", "f" + i, "v" + i);
            c.callString("ZADD", "bigzset", Double.toString(i * 1.5), "z" + i);
        }
        c.callString("LPUSH", "list", "a", "b", "c");
        c.callString("LPOP", "list");
        c.callString("SADD", "intset", "1", "2", "3");
        c.callString("SPOP", "intset");
        c.callString("HSET", "hash", "a", "1", "b", "2");
        c.callString("HINCRBYFLOAT", "hash", "a", "0.25");
        c.callString("ZADD", "zset", "1", "one", "2", "two", "-inf", "minf");
        c.callString("ZINCRBY", "zset", "3.5", "one");
        c.callString("EXPIRE", "hash", "500000");
        ok(c.callString("MULTI"));
        c.callString("SET", "tx1", "a");
        c.callString("INCR", "tx2");
        c.callString("RPUSH", "txlist", "x");
        c.callString("EXEC");
        ok(c.callString("SELECT", "3"));
        ok(c.callString("SET", "db3key", "three"));
        c.callString("PEXPIREAT", "db3key", Long.toString(System.currentTimeMillis() + 9_000_000));
        ok(c.callString("SELECT", "0"));
        c.callString("SET", "gone", "x");
        c.callString("DEL", "gone");
        c.callString("SET", "expired", "x");
        c.callString("PEXPIRE", "expired", "-1");
        c.callString("SET", "binary", "\u0000\u00ff\r\n$*");
    }

    private static void ok(String r) {
        if (!r.equals("+OK\r\n")) {
            throw new AssertionError("expected +OK, got " + r);
        }
    }

    /** Every key of every database with its type, value (canonical order) and absolute expiry. */
    static String dataset(RespClient c) {
        StringBuilder sb = new StringBuilder();
        for (int db = 0; db < 16; db++) {
            c.callString("SELECT", Integer.toString(db));
            List<String> keys = strings(c.call("KEYS", "*"));
            Collections.sort(keys);
            for (String k : keys) {
                String type = c.callString("TYPE", k).trim();
                sb.append(db).append(' ').append(k).append(' ').append(type).append(" = ");
                switch (type) {
                    case "+string": sb.append(c.callString("GET", k)); break;
                    case "+list": sb.append(strings(c.call("LRANGE", k, "0", "-1"))); break;
                    case "+set": sb.append(sorted(strings(c.call("SMEMBERS", k)))); break;
                    case "+hash": sb.append(sortedPairs(strings(c.call("HGETALL", k)))); break;
                    case "+zset": sb.append(strings(c.call("ZRANGE", k, "0", "-1", "WITHSCORES"))); break;
                    default: sb.append("?");
                }
                sb.append(" expire ").append(c.callString("PEXPIRETIME", k).trim()).append('\n');
            }
        }
        c.callString("SELECT", "0");
        return sb.toString();
    }

    private static List<String> sorted(List<String> l) {
        Collections.sort(l);
        return l;
    }

    private static List<String> sortedPairs(List<String> l) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < l.size(); i += 2) {
            pairs.add(l.get(i) + "=" + l.get(i + 1));
        }
        Collections.sort(pairs);
        return pairs;
    }

    /** The bulk strings of a RESP2 array reply. */
    static List<String> strings(byte[] reply) {
        List<String> out = new ArrayList<>();
        try {
            InputStream in = new ByteArrayInputStream(reply);
            String head = line(in);
            if (!head.startsWith("*")) {
                throw new AssertionError("not an array: " + new String(reply, StandardCharsets.ISO_8859_1));
            }
            int n = Integer.parseInt(head.substring(1));
            for (int i = 0; i < n; i++) {
                String h = line(in);
                int len = Integer.parseInt(h.substring(1));
                out.add(new String(in.readNBytes(len), StandardCharsets.ISO_8859_1));
                in.readNBytes(2);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }

    static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(prefix);
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Runs a program; returns its exit code and combined output. */
    static String[] run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        return new String[] {Integer.toString(rc), out};
    }
}
