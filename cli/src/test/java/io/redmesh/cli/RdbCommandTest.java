package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** redmesh rdb encrypt|decrypt|verify on a real redis-server's dump.rdb, checked by redis-check-rdb. */
class RdbCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run redmesh(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RedMesh());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Path keyFile(String name, String line) throws Exception {
        Path k = dir.resolve(name);
        Files.writeString(k, line + "\n");
        Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
        return k;
    }

    @Test
    void aRedisProcessDumpSurvivesSealVerifyAndUnsealForRedisCheckRdb() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available());
        Path redisDir = Files.createDirectories(dir.resolve("redis"));
        try (RedisProcess r = RedisProcess.start("--dir", redisDir.toString()); RespClient c = r.client()) {
            for (int i = 0; i < 3000; i++) {
                c.call("SET", "key:" + i, "value-" + i);
            }
            c.call("HSET", "h", "f", "v");
            c.call("RPUSH", "l", "a", "b");
            c.call("ZADD", "z", "1.5", "m");
            assertEquals("+OK\r\n", c.callString("SAVE"));
        }
        Path dump = redisDir.resolve("dump.rdb");
        Path key = keyFile("keys", "backup-2026 " + "ab".repeat(32));
        Path sealed = dir.resolve("dump.rdb.sealed");
        Run enc = redmesh("rdb", "encrypt", "--key-file", key.toString(), dump.toString(), "-o", sealed.toString());
        assertEquals(0, enc.code, enc.err);
        assertTrue(!new String(Files.readAllBytes(sealed), "ISO-8859-1").contains("value-1"));

        Run ok = redmesh("rdb", "verify", "-k", key.toString(), sealed.toString());
        assertEquals(0, ok.code, ok.err);
        assertTrue(ok.out.contains("OK " + sealed) && ok.out.contains("master key 'backup-2026'"), ok.out);

        Path plain = dir.resolve("restored.rdb");
        Run dec = redmesh("rdb", "decrypt", "-k", key.toString(), sealed.toString(), "-o", plain.toString());
        assertEquals(0, dec.code, dec.err);
        assertArrayEquals(Files.readAllBytes(dump), Files.readAllBytes(plain));
        Process check = new ProcessBuilder("redis-check-rdb", plain.toString()).redirectErrorStream(true).start();
        String report = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), report);
        assertTrue(report.contains("RDB looks OK!"), report);
    }

    @Test
    void verifyFailsWithAClearMessageForEachKindOfDamage() throws Exception {
        Path key = keyFile("keys", "k1 " + "cd".repeat(32));
        Path plain = dir.resolve("p.rdb");
        byte[] data = new byte[200_000];
        new java.util.Random(1).nextBytes(data);
        Files.write(plain, data);
        Path sealed = dir.resolve("s.rdb");
        assertEquals(0, redmesh("rdb", "encrypt", "-k", key.toString(), plain.toString(), "-o", sealed.toString(),
                "--segment-size", "4096").code);
        byte[] s = Files.readAllBytes(sealed);

        Path flipped = dir.resolve("flipped.rdb");
        byte[] f = s.clone();
        f[f.length / 2] ^= 1;
        Files.write(flipped, f);
        Run r = redmesh("rdb", "verify", "-k", key.toString(), flipped.toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("FAILED " + flipped) && r.err.contains("failed authentication"), r.err);

        Path cut = dir.resolve("cut.rdb");
        Files.write(cut, Arrays.copyOf(s, s.length - (4 + 200_000 % 4096 + 16))); // the final segment gone
        r = redmesh("rdb", "verify", "-k", key.toString(), cut.toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("truncated: the file ends after segment"), r.err);

        Path other = keyFile("other", "k2 " + "ef".repeat(32));
        r = redmesh("rdb", "verify", "-k", other.toString(), sealed.toString());
        assertEquals(1, r.code);
        assertTrue(r.err.contains("master key id 'k1', which is not configured"), r.err);

        Path restored = dir.resolve("never.rdb");
        r = redmesh("rdb", "decrypt", "-k", key.toString(), flipped.toString(), "-o", restored.toString());
        assertEquals(1, r.code);
        assertTrue(!Files.exists(restored), "nothing half-decrypted is left behind");

        Path open = dir.resolve("open-keys");
        Files.writeString(open, "k1 " + "cd".repeat(32) + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        r = redmesh("rdb", "verify", "-k", open.toString(), sealed.toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("chmod 600"), r.err);
    }
}
