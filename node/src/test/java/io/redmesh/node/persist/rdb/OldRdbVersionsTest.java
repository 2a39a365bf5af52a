package io.redmesh.node.persist.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An RDB version 9 file in the encodings Redis 3.2..6.2 wrote (quicklist of ziplists, ziplist
 * hashes and sorted sets, zipmap hashes, intsets, plain sets and string-scored sorted sets,
 * second-resolution expiry), built by hand: redis-check-rdb and a real Redis 7.0 accept it, and
 * we load it to the same keys, values and encodings as Redis does.
 */
class OldRdbVersionsTest {
    @TempDir
    Path dir;

    private static byte[] s(String v) {
        return v.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A ziplist of strings (ints written as int16 when they look like small integers). */
    static byte[] ziplist(String... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int tail = 10;
        for (String it : items) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            e.write(prev);
            Long n = io.redmesh.node.util.Bytes.parseLongOrNull(s(it));
            if (n != null && n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
                e.write(0xC0);
                e.write((int) (n & 0xff));
                e.write((int) ((n >> 8) & 0xff));
            } else {
                byte[] b = s(it);
                e.write(b.length); // < 64
                e.writeBytes(b);
            }
            tail = 10 + body.size();
            prev = e.size();
            body.writeBytes(e.toByteArray());
        }
        int total = 10 + body.size() + 1;
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        le32(z, total);
        le32(z, tail);
        z.write(items.length & 0xff);
        z.write(items.length >> 8);
        z.writeBytes(body.toByteArray());
        z.write(0xFF);
        return z.toByteArray();
    }

    static byte[] zipmap(String... kv) {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(kv.length / 2);
        for (int i = 0; i < kv.length; i += 2) {
            z.write(kv[i].length());
            z.writeBytes(s(kv[i]));
            z.write(kv[i + 1].length());
            z.write(0);
            z.writeBytes(s(kv[i + 1]));
        }
        z.write(0xFF);
        return z.toByteArray();
    }

    private static void le32(ByteArrayOutputStream o, int v) {
        for (int i = 0; i < 4; i++) {
            o.write((v >>> (8 * i)) & 0xff);
        }
    }

    private static byte[] v9File() throws Exception {
        RdbOutput o = new RdbOutput(false);
        o.write(s("REDIS0009"), 0, 9);
        o.writeType(Rdb.OPCODE_AUX);
        o.writeString(s("redis-ver"));
        o.writeString(s("6.2.14"));
        o.writeType(Rdb.OPCODE_SELECTDB);
        o.writeLen(0);
        o.writeType(Rdb.TYPE_LIST_QUICKLIST);
        o.writeString(s("qlist"));
        o.writeLen(2);
        o.writeString(ziplist("a", "1", "-300", "hello"));
        o.writeString(ziplist("b", "32767"));
        o.writeType(Rdb.TYPE_LIST_ZIPLIST);
        o.writeString(s("zllist"));
        o.writeString(ziplist("x", "y", "7"));
        o.writeType(Rdb.TYPE_HASH_ZIPLIST);
        o.writeString(s("zlhash"));
        o.writeString(ziplist("f1", "v1", "f2", "22"));
        o.writeType(Rdb.TYPE_HASH_ZIPMAP);
        o.writeString(s("zmhash"));
        o.writeString(zipmap("name", "redis", "n", "5"));
        o.writeType(Rdb.TYPE_ZSET_ZIPLIST);
        o.writeString(s("zlzset"));
        o.writeString(ziplist("a", "1", "b", "2.5", "c", "100"));
        o.writeType(Rdb.TYPE_SET);
        o.writeString(s("plainset"));
        o.writeLen(3);
        o.writeString(s("m1"));
        o.writeString(s("m2"));
        o.writeString(s("3"));
        o.writeType(Rdb.TYPE_SET);
        o.writeString(s("intsonly"));
        o.writeLen(2);
        o.writeString(s("10"));
        o.writeString(s("20"));
        o.writeType(Rdb.TYPE_ZSET);
        o.writeString(s("oldzset"));
        o.writeLen(2);
        o.writeString(s("p"));
        o.writeByte(3);
        o.write(s("1.5"), 0, 3);
        o.writeString(s("q"));
        o.writeByte(254); // +inf
        o.writeType(Rdb.TYPE_HASH);
        o.writeString(s("plainhash"));
        o.writeLen(1);
        o.writeString(s("k"));
        o.writeString(s("v"));
        o.writeType(Rdb.OPCODE_EXPIRETIME);
        long at = System.currentTimeMillis() / 1000 + 5000;
        o.writeByte((int) at);
        o.writeByte((int) (at >> 8));
        o.writeByte((int) (at >> 16));
        o.writeByte((int) (at >> 24));
        o.writeType(Rdb.TYPE_LIST);
        o.writeString(s("oldlist"));
        o.writeLen(2);
        o.writeString(s("one"));
        o.writeString(s("two"));
        o.writeType(Rdb.OPCODE_EXPIRETIME);
        o.writeByte(1);
        o.writeByte(0);
        o.writeByte(0);
        o.writeByte(0); // 1970: expired, dropped at load
        o.writeType(Rdb.TYPE_STRING);
        o.writeString(s("gone"));
        o.writeString(s("x"));
        o.writeType(Rdb.OPCODE_EOF);
        o.writeLongLE(o.crc());
        return o.toByteArray();
    }

    @Test
    void version9EncodingsLoadLikeRedis() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        Files.write(dir.resolve("v9.rdb"), v9File());
        Process p = new ProcessBuilder("redis-check-rdb", dir.resolve("v9.rdb").toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        List<String> real;
        try (RedisProcess r = RedisProcess.start("--dir", dir.toString(), "--dbfilename", "v9.rdb");
             RespClient c = r.client()) {
            real = RdbInteropTest.describe(c);
        }
        try (ServerFixture ours = ServerFixture.start("--dir", dir.toString(), "--dbfilename", "v9.rdb");
             RespClient c = ours.client()) {
            List<String> mine = RdbInteropTest.describe(c);
            RdbInteropTest.assertSameKeys(real, mine);
            assertEquals(10, mine.size(), mine.toString()); // "gone" expired in 1970
        }
    }
}
