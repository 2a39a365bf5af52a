package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.testing.RedisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad config files: ConfigLoader's "*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***" report must
 * be exactly what redis-server prints on stderr for the same file (and command line).
 */
class ConfigFileCompatTest {
    @TempDir
    Path dir;

    private static final String[] BAD_FILES = {
        "# a comment\n\nport 7000\nport abc\n",
        "port 1 2\n",
        "port\n",
        "maxmemory 10xb\n",
        "maxmemory -1\n",
        "appendonly maybe\n",
        "bogus-directive 1\n",
        "  \t  bogus-directive   1  \t\n",
        "save 10\n",
        "save 10 abc\n",
        "save 0 1\n",
        "requirepass \"unbalanced\n",
        "requirepass 'a'b\n",
        "maxmemory-policy foo\n",
        "loglevel \"\"\n",
        "client-output-buffer-limit foo 1 2 3\n",
        "client-output-buffer-limit normal 1 2\n",
        "client-output-buffer-limit normal 1x 2 3\n",
        "notify-keyspace-events Q\n",
        "dir /nonexistent/dir\n",
        "dbfilename a/b.rdb\n",
        "replicaof localhost\n",
        "replicaof localhost port\n",
        "sentinel monitor m 127.0.0.1 6379 2\n",
        "hz 10\n\n# later\nhz -5\n",
        "maxmemory-clients 200%\n",
        "unixsocketperm 999\n",
        "unixsocketperm 1777\n",
        "oom-score-adj-values 1 2\n",
        "latency-tracking-info-percentiles 101\n",
        "shutdown-on-sigint save nosave\n",
        "proc-title-template {nope}\n",
        "bind 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
        "list-max-ziplist-entries 5\nlist-max-ziplist-entries 5 6\n",
        "include\n",
        "rename-command\n",
        "databases 0\n",
        "tls-port 99999\n",
        "enable-debug-command maybe\n",
        "SLAVE-READ-ONLY maybe\n",
        "\"port\" \"x\"\n",
        "user\n",
        "user alice on >x badrule\n",
        "user alice badrule\n",
        "user alice on #abc\n",
        "user alice on (~x +get\n",
        "user alice on ~x allkeys2\n",
        "user alice on ~x allkeys %Q~y\n",
        "user alice on allchannels &y\n",
        "user alice on <nosuchpass\n",
        "user alice on \"(~x +get)\" \"(nonsense)\"\n",
    };

    private static String redisReport(Path conf, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", conf.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("redis-server accepted " + Files.readString(conf));
        }
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String ourReport(Path conf, String... extra) {
        List<String> args = new ArrayList<>(List.of(conf.toString()));
        args.addAll(List.of(extra));
        ConfigLoader.FatalConfigError e = assertThrows(ConfigLoader.FatalConfigError.class,
                () -> new ConfigLoader(io.redmesh.node.Node.newConfig(), ServerContext.REDIS_VERSION)
                        .checkUserLines(io.redmesh.node.acl.AclFile::checkUserDeclaration).loadArgs(args));
        return e.getMessage() + "\n"; // the launcher prints it with println, as Redis's fprintf ends it
    }

    @Test
    void fatalReportsMatchRedis() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        List<String> failures = new ArrayList<>();
        for (String text : BAD_FILES) {
            Path conf = dir.resolve("bad.conf");
            Files.writeString(conf, text, StandardCharsets.ISO_8859_1);
            String expected = redisReport(conf);
            String actual = ourReport(conf);
            if (!expected.equals(actual)) {
                failures.add("file " + Diff.esc(text) + "\n redis: " + Diff.esc(expected) + "\n ours : " + Diff.esc(actual));
            }
        }
        assertEquals("", String.join("\n", failures));
    }

    @Test
    void commandLineDirectivesCountAsLinesAfterTheFile() throws Exception {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        Path conf = dir.resolve("ok.conf");
        Files.writeString(conf, "# fine\nhz 10\n", StandardCharsets.ISO_8859_1);
        String[][] cases = {{"--port", "xyz"}, {"--hz", "10", "--maxmemory", "nope"}, {"--bogus", "1"},
            {"--save", "10"}, {"--requirepass", "a b", "--port", "x y"}};
        for (String[] extra : cases) {
            assertEquals(redisReport(conf, extra), ourReport(conf, extra), String.join(" ", extra));
        }
    }
}
