package io.redmesh.node.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.Node;
import io.redmesh.node.spi.SentinelMode;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node built in sentinel mode (spi.SentinelMode) behaves as redis-server --sentinel does before
 * any sentinel logic: Redis's 15-command sentinel table, INFO's five sections, HELLO's mode,
 * sentinel lines handed to the module with their line numbers and refused as Redis reports it,
 * the module's lines written back by the rewrite (and no save points), no dataset saved.
 */
class SentinelModeTest {
    /** A module that records its lines, refuses "bad", and writes back what it was given. */
    static final class Recorder implements SentinelMode {
        final List<String> lines = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();

        @Override
        public void queueDirective(List<String> argv, int lineNumber, String line) {
            lines.add(String.join(" ", argv));
            numbers.add(lineNumber);
        }

        @Override
        public DirectiveError applyDirectives() {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("bad")) {
                    return new DirectiveError(numbers.get(i), "sentinel " + lines.get(i), "Unrecognized sentinel configuration statement.");
                }
            }
            return null;
        }

        @Override
        public List<RewriteLine> rewriteLines() {
            List<RewriteLine> out = new ArrayList<>();
            out.add(new RewriteLine("sentinel myid", "sentinel myid 0123456789012345678901234567890123456789", true));
            for (String l : lines) {
                String[] w = l.split(" ");
                out.add(new RewriteLine("sentinel " + w[0], "sentinel " + l, true));
            }
            return out;
        }
    }

    private static Node sentinelNode(Path conf, Recorder r, String... more) throws Node.ConfigError {
        List<String> args = new ArrayList<>(List.of(conf.toString(), "--port", Integer.toString(Ports.free()),
                "--bind", "127.0.0.1"));
        args.addAll(List.of(more));
        return Node.fromArgs(args, List.of(), r);
    }

    @Test
    void servesRedisSentinelTableAndSections(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "# comment\nsentinel monitor m 127.0.0.1 6379 2\nsentinel\n");
        Recorder r = new Recorder();
        Node node = sentinelNode(conf, r, "--dir", dir.toString());
        assertEquals(List.of("monitor m 127.0.0.1 6379 2"), r.lines);
        assertEquals(List.of(2), r.numbers);
        node.start();
        try (RespClient c = RespClient.connect(node.port())) {
            // the 15 of Redis's sentinel table but SENTINEL and ROLE, which the sentinel module binds
            assertEquals(":13\r\n", c.callString("COMMAND", "COUNT"));
            assertTrue(c.callString("GET", "k").startsWith("-ERR unknown command 'GET'"), "a sentinel serves no data");
            String info = c.callString("INFO");
            assertTrue(info.contains("# Server\r\n") && info.contains("# Clients\r\n") && info.contains("# Stats\r\n")
                    && info.contains("# CPU\r\n"), info);
            assertFalse(info.contains("# Memory") || info.contains("# Keyspace") || info.contains("# Replication"), info);
            assertTrue(info.contains("redis_mode:sentinel\r\n"), info);
            assertFalse(c.callString("INFO", "server", "memory").contains("# Memory"), "memory is no sentinel section");
            assertTrue(c.callString("HELLO", "3").contains("mode\r\n$8\r\nsentinel"));
            assertTrue(c.callString("ACL", "CAT", "admin").contains("acl|setuser"));
            assertFalse(c.callString("ACL", "CAT", "admin").contains("flushall"), "ACL CAT lists the sentinel table");
            // ACL rules may still name every command: a mesh user reads the same on sentinels and data nodes
            assertEquals("+OK\r\n", c.callString("ACL", "SETUSER", "u", "on", ">p", "+get", "+sentinel|myid"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        } finally {
            node.stop();
        }
        assertFalse(Files.exists(dir.resolve("dump.rdb")), "a sentinel saves no dataset");
    }

    @Test
    void defaultsAreSentinels(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "bind 127.0.0.1\n");
        Node node = Node.fromArgs(List.of(conf.toString()), List.of(), new Recorder());
        assertEquals("26379", node.control().config("port"));
        assertEquals("no", node.control().config("protected-mode"));
    }

    @Test
    void aRefusedLineIsReportedAsRedisDoes(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "port 1\nsentinel monitor m 127.0.0.1 6379 2\n\nsentinel bad line\n");
        Node.ConfigError e = assertThrows(Node.ConfigError.class, () -> sentinelNode(conf, new Recorder()));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n"
                + ">>> 'sentinel bad line'\nUnrecognized sentinel configuration statement.", e.getMessage());
        Path plain = dir.resolve("redis.conf");
        Files.writeString(plain, "sentinel monitor m 127.0.0.1 6379 2\n");
        Node.ConfigError notSentinel = assertThrows(Node.ConfigError.class,
                () -> Node.fromArgs(List.of(plain.toString()), List.of()));
        assertTrue(notSentinel.getMessage().endsWith("sentinel directive while not in sentinel mode"));
    }

    @Test
    void rewriteKeepsLayoutAndWritesTheModulesLines(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "# mine\nsentinel monitor m 127.0.0.1 6379 2\nsentinel stale-option x\n"
                + "dir " + dir + "\n");
        Recorder r = new Recorder();
        Node node = sentinelNode(conf, r);
        r.lines.remove("stale-option x"); // the module no longer writes it: the old line goes
        node.control().rewriteConfig();
        String text = Files.readString(conf);
        assertTrue(text.startsWith("# mine\nsentinel monitor m 127.0.0.1 6379 2\n"), text);
        assertFalse(text.contains("stale-option"), text);
        assertFalse(text.contains("\nsave "), "no save points in a sentinel's file: " + text);
        assertTrue(text.contains("protected-mode no\n"), text);
        assertTrue(text.contains("sentinel myid 0123456789012345678901234567890123456789\n"), text);
    }
}
