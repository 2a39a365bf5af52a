package io.redmesh.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.ServerFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link ServerFixture} for the client suites that logs to its own file at verbose level, so a
 * test can say "the clients' handshakes and commands left nothing alarming in the server log":
 * no internal error (a handler that threw instead of replying), no protocol error.
 */
final class ClientServer implements AutoCloseable {
    final ServerFixture fixture;
    private final Path log;

    private ClientServer(ServerFixture fixture, Path log) {
        this.fixture = fixture;
        this.log = log;
    }

    static ClientServer start(String... directives) {
        Path log;
        try {
            log = Files.createTempFile("redmesh-clients-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> args = new ArrayList<>(List.of("--logfile", log.toString(), "--loglevel", "verbose"));
        args.addAll(Arrays.asList(directives));
        return new ClientServer(ServerFixture.start(args.toArray(String[]::new)), log);
    }

    int port() {
        return fixture.port();
    }

    List<String> logLines() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Internal errors and protocol errors in the log; the clients must cause neither. */
    List<String> alarmingLogLines() {
        return logLines().stream()
                .filter(l -> l.contains("Unexpected error") || l.contains("Protocol error") || l.contains("cron:"))
                .toList();
    }

    void assertHealthy() {
        assertEquals(List.of(), alarmingLogLines(), "server log");
        assertEquals(0, fixture.context().stats.unexpectedErrorReplies, "internal error replies");
    }

    @Override
    public void close() {
        try {
            fixture.close();
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temp file; nothing to do
            }
        }
    }
}
