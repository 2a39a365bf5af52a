package io.redmesh.node.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.SeededRandom;
import io.redmesh.node.testing.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-27151 (Redis 7.2.9 / 8.0.2, Debian deb12u5): redis-check-aof copied a user-supplied
 * path into a fixed stack buffer. RedMesh has no fixed buffers; its counterparts of Redis's AOF
 * tooling are the AOF loader and manifest parser (this test) and {@code redmesh rdb} (cli's
 * Cve2025_27151RdbToolTest). What they are fed here, the loader must survive with bounded memory
 * and time and a clear error naming the file and offset, never an OutOfMemoryError, a
 * StackOverflowError or an unexplained exception: huge argument counts and bulk lengths, deep
 * MULTI nesting, a file cut at any offset, random garbage, a huge manifest, a path too long for
 * the file system. Where redis-server loads the same directory, the outcome must be Redis's.
 */
class Cve2025_27151AofLoaderTest {
    private static final String INCR = "appendonly.aof.1.incr.aof";
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("cve-2025-27151");
    }

    @AfterEach
    void tearDown() throws IOException {
        deleteTree(dir);
    }

    private static void deleteTree(Path d) throws IOException {
        if (Files.exists(d)) {
            try (Stream<Path> s = Files.walk(d)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An AOF directory of one incr file holding {@code content}, as Redis 7.0 lays it out. */
    private Path aofDir(Path d, byte[] content) throws IOException {
        Path aof = Files.createDirectories(d.resolve("appendonlydir"));
        Files.writeString(aof.resolve("appendonly.aof.manifest"), "file " + INCR + " seq 1 type i\n");
        Files.write(aof.resolve(INCR), content);
        return d;
    }

    private static byte[] command(String... args) {
        return RespClient.encode(RespClient.args(args));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Bytes this thread allocated meanwhile (the loader runs on the thread that starts the node). */
    private static long allocatedBy(Runnable r) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        r.run();
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }

    /** The keys a started node holds, sorted; or the start-up error's message. */
    private static String outcome(Path d, String... directives) {
        String[] args = new String[4 + directives.length];
        args[0] = "--dir";
        args[1] = d.toString();
        args[2] = "--appendonly";
        args[3] = "yes";
        System.arraycopy(directives, 0, args, 4, directives.length);
        try (ServerFixture node = ServerFixture.start(args); RespClient c = node.client()) {
            return "started: " + sortedKeys(c);
        } catch (IllegalStateException e) {
            return "refused: " + e.getMessage();
        }
    }

    /** The same directory loaded by redis-server: its keys, or "refused". */
    private static String redisOutcome(Path d, String... directives) {
        String[] args = new String[2 + directives.length];
        args[0] = "--appendonly";
        args[1] = "yes";
        System.arraycopy(directives, 0, args, 2, directives.length);
        try (RedisProcess r = RedisProcess.builder().dir(d).args(args).start(); RespClient c = r.client()) {
            return "started: " + sortedKeys(c);
        } catch (IllegalStateException e) {
            return "refused";
        }
    }

    private static String sortedKeys(RespClient c) {
        String[] lines = c.callString("KEYS", "*").split("\r\n");
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (int i = 2; i < lines.length; i += 2) {
            keys.add(lines[i]);
        }
        java.util.Collections.sort(keys);
        return String.join(",", keys);
    }

    private static final byte[] GOOD = concat(command("SET", "a", "1"), command("SET", "b", "2"));

    @Test
    void hugeBulkLengthsAreShortReadsNotAllocations() throws Exception {
        for (String len : new String[] {"2147483000", "99999999999", "18446744073709551615"}) {
            byte[] file = concat(GOOD, b("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$" + len + "\r\nab"));
            Path d = aofDir(dir.resolve("len" + len.length()), file);
            String[] got = new String[1];
            long allocated = allocatedBy(() -> got[0] = outcome(d, "--aof-load-truncated", "no"));
            assertTrue(allocated < 256L << 20, "a " + len + "-byte bulk cost " + (allocated >> 20) + " MB to refuse");
            assertTrue(got[0].startsWith("refused: Unexpected end of file reading the append only file " + INCR),
                    got[0]);
            assertTrue(got[0].contains("offset " + GOOD.length), got[0]);
            assertEquals("started: a,b", outcome(d, "--aof-load-truncated", "yes"));
        }
        if (RedisProcess.available()) {
            Path d = aofDir(dir.resolve("redis"), concat(GOOD, b("*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$2147483000\r\nab")));
            assertEquals("started: a,b", redisOutcome(d, "--aof-load-truncated", "yes"));
        }
    }

    @Test
    void hugeArgumentCounts() throws Exception {
        // claimed and absent: a short read
        Path claimed = aofDir(dir.resolve("claimed"), concat(GOOD, b("*2147483647\r\n$3\r\nDEL\r\n")));
        assertTrue(outcome(claimed, "--aof-load-truncated", "no").contains("offset " + GOOD.length));
        assertEquals("started: a,b", outcome(claimed, "--aof-load-truncated", "yes"));
        // present: a DEL of 1.1 million arguments is a command like any other (Redis loads it)
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        int n = 1_100_000;
        big.writeBytes(b("*" + (n + 1) + "\r\n$3\r\nDEL\r\n"));
        for (int i = 0; i < n; i++) {
            big.writeBytes(b(i == n - 1 ? "$1\r\na\r\n" : "$1\r\nx\r\n"));
        }
        Path present = aofDir(dir.resolve("present"), concat(GOOD, big.toByteArray()));
        assertEquals("started: b", outcome(present));
        if (RedisProcess.available()) {
            assertEquals("started: b", redisOutcome(present));
        }
    }

    @Test
    void deepMultiNesting() throws Exception {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.writeBytes(GOOD);
        for (int i = 0; i < 200_000; i++) {
            f.writeBytes(command("MULTI"));
        }
        f.writeBytes(command("SET", "c", "3"));
        f.writeBytes(command("EXEC"));
        Path nested = aofDir(dir.resolve("nested"), f.toByteArray());
        String ours = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> outcome(nested));
        assertEquals("started: a,b,c", ours);
        if (RedisProcess.available()) {
            assertEquals(ours, redisOutcome(nested));
        }
        // the same without its EXEC: an incomplete transaction, reverted as Redis reverts it
        byte[] open = java.util.Arrays.copyOf(f.toByteArray(), f.size() - command("EXEC").length);
        Path unclosed = aofDir(dir.resolve("unclosed"), open);
        assertEquals("started: a,b", outcome(unclosed, "--aof-load-truncated", "yes"));
        if (RedisProcess.available()) {
            assertEquals("started: a,b", redisOutcome(unclosed, "--aof-load-truncated", "yes"));
        }
    }

    /**
     * The file cut at random offsets: with aof-load-truncated yes the complete commands before
     * the cut load; with no, start-up is refused naming the file and the offset where the last
     * complete command ends (or succeeds when the cut falls between commands).
     */
    @Test
    void aFileCutAnywhere() throws Exception {
        byte[] file = concat(command("SET", "a", "1"), command("MULTI"), command("SET", "b", "2"),
                command("SET", "c", "3"), command("EXEC"), command("SET", "d", "4"));
        int[] ends = commandEnds(file);
        SeededRandom fuzz = SeededRandom.create();
        fuzz.repeat(25, i -> {
            int cut = 1 + fuzz.random().nextInt(file.length - 1);
            try {
                Path d = aofDir(dir.resolve("cut" + i), java.util.Arrays.copyOf(file, cut));
                String expected = expectedPrefix(file, ends, cut);
                // strict first: a load with aof-load-truncated yes cuts the file where it stopped
                String strict = outcome(d, "--aof-load-truncated", "no");
                // between commands and outside the transaction: nothing is missing
                boolean clean = cut == ends[0] || cut == ends[4];
                assertTrue(clean ? strict.startsWith("started") : strict.contains(INCR), "cut at " + cut + ": " + strict);
                assertEquals("started: " + expected, outcome(d, "--aof-load-truncated", "yes"), "cut at " + cut);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int[] commandEnds(byte[] file) {
        java.util.List<Integer> ends = new java.util.ArrayList<>();
        String s = new String(file, StandardCharsets.ISO_8859_1);
        int pos = 0;
        while (pos < s.length()) {
            int nl = s.indexOf("\r\n", pos);
            int argc = Integer.parseInt(s.substring(pos + 1, nl));
            pos = nl + 2;
            for (int a = 0; a < argc; a++) {
                nl = s.indexOf("\r\n", pos);
                pos = nl + 2 + Integer.parseInt(s.substring(pos + 1, nl)) + 2;
            }
            ends.add(pos);
        }
        return ends.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The keys of the commands complete before {@code cut}; a transaction counts only whole. */
    private static String expectedPrefix(byte[] file, int[] ends, int cut) {
        String[] keysAfter = {"a", "", "", "", "b,c", "d"}; // what each command adds once it (and its EXEC) is in
        java.util.List<String> keys = new java.util.ArrayList<>();
        for (int k = 0; k < ends.length && ends[k] <= cut; k++) {
            if (!keysAfter[k].isEmpty()) {
                keys.addAll(java.util.List.of(keysAfter[k].split(",")));
            }
        }
        return String.join(",", keys);
    }

    /** Random bytes rich in the format's own (*, $, digits, CR, LF): refused with the file named, or loaded. */
    @Test
    void garbage() throws Exception {
        SeededRandom fuzz = SeededRandom.create();
        String alphabet = "*$0123456789\r\n\r\nSETMULTIEXECabc-";
        fuzz.repeat(20, i -> {
            try {
                byte[] g = b(fuzz.string(alphabet, 200));
                Path d = aofDir(dir.resolve("garbage" + i), concat(GOOD, g));
                String got = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> outcome(d, "--aof-load-truncated", "no"));
                assertTrue(got.startsWith("started") || got.contains(INCR), show(g) + ": " + got);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String show(byte[] g) {
        return new String(g, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
    }

    /** A manifest of 200,000 history lines loads in bounded time; a line of 10 MB is Redis's error. */
    @Test
    void hugeManifests() throws Exception {
        Path d = aofDir(dir.resolve("history"), GOOD);
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            m.append("file appendonly.aof.").append(i + 2).append(".incr.aof seq ").append(i + 2).append(" type h\n");
        }
        m.append("file ").append(INCR).append(" seq 1 type i\n");
        Files.writeString(d.resolve("appendonlydir/appendonly.aof.manifest"), m);
        assertEquals("started: a,b", assertTimeoutPreemptively(Duration.ofSeconds(60), () -> outcome(d)));

        Path longLine = aofDir(dir.resolve("longline"), GOOD);
        Files.writeString(longLine.resolve("appendonlydir/appendonly.aof.manifest"), "file " + "a".repeat(10 << 20) + "\n");
        String got = outcome(longLine);
        assertTrue(got.startsWith("refused") && got.contains("appendonly.aof.manifest"), got.substring(0, Math.min(300, got.length())));
    }

    /** The advisory's own trigger, a path too long for a fixed buffer: here too long for the file system. */
    @Test
    void aPathTooLongForTheFileSystem() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        String name = "d".repeat(300); // over NAME_MAX (255)
        String ours = outcome(dir, "--appenddirname", name);
        String redis = redisOutcome(dir, "--appenddirname", name);
        assertEquals("refused", redis);
        assertTrue(ours.startsWith("refused") && ours.contains("File name too long"), ours);
        String file = "f".repeat(300);
        assertTrue(outcome(dir, "--appendfilename", file).startsWith("refused"));
        assertEquals("refused", redisOutcome(dir, "--appendfilename", file));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerFixture.start("--dir", dir.resolve("x".repeat(5000)).toString()));
        assertTrue(e.getMessage().contains("FATAL CONFIG FILE ERROR") && e.getMessage().contains("File name too long"),
                e.getMessage().substring(0, 200));
    }
}
