package io.redmesh.node.testing;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's 7.0.15) in its own process on loopback: the reference of the
 * differential tests and the server sidecar agents secure. The one launcher of the test code:
 * every test that needs a redis-server builds it here.
 *
 * <pre>
 * try (RedisProcess r = RedisProcess.start("--maxmemory", "1mb")) { ... r.client() ... }
 * RedisProcess r = RedisProcess.builder().port(0).tlsPort(Ports.free())
 *         .args("--tls-cert-file", cert, ...).user("admin", "on", "&gt;pw", "~*", "&amp;*", "+@all").start();
 * r.stop(); r.restart();   // systemd-style restart: same ports, same arguments, same directory
 * </pre>
 *
 * Tests that need it call {@link #available()} and are skipped without it locally; CI installs
 * it, so there they always run. Every wait is bounded; {@link #close()} stops the process by its
 * own handle (SIGTERM, then SIGKILL) and removes a directory it created.
 */
public final class RedisProcess implements AutoCloseable {
    /** How long a start may take before the test fails with the server's log. */
    private static final long START_MILLIS = 10_000;

    private final List<String> command;
    private final int port;
    private final int tlsPort;
    private final Path dir;
    private final boolean ownsDir;
    private final Path log;
    private Process process;

    private RedisProcess(Builder b, Path dir, boolean ownsDir) {
        this.port = b.port;
        this.tlsPort = b.tlsPort;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.log = dir.resolve("redis.log");
        List<String> cmd = new ArrayList<>(List.of("redis-server"));
        if (b.configFile != null) {
            cmd.add(b.configFile.toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--daemonize", "no"));
        if (tlsPort != 0) {
            cmd.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
        }
        cmd.addAll(b.args);
        this.command = List.copyOf(cmd);
    }

    /** Whether Debian's redis-server is on the PATH. */
    public static boolean available() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    /** Starts redis-server on a free port with the given extra "--directive value" arguments. */
    public static RedisProcess start(String... directives) {
        return builder().args(directives).start();
    }

    /** Starts redis-server reading {@code configFile} first (CONFIG REWRITE tests), then directives. */
    public static RedisProcess startWithConfig(Path configFile, String... directives) {
        return builder().config(configFile).args(directives).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to start; {@link #start()} launches it and waits until it serves. */
    public static final class Builder {
        private int port = -1;
        private int tlsPort;
        private Path configFile;
        private Path dir;
        private final List<String> args = new ArrayList<>();

        private Builder() {}

        /** The plaintext port (default: a free one; 0: none, as Redis's "port 0"). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** A TLS port (default: none); the certificate directives go in {@link #args}. */
        public Builder tlsPort(int tlsPort) {
            this.tlsPort = tlsPort;
            return this;
        }

        /** A redis.conf read before the arguments. */
        public Builder config(Path file) {
            this.configFile = file;
            return this;
        }

        /** The server's directory, kept after close (default: a temp directory, removed on close). */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        /** Extra directives, "--name", "value" ..., after the defaults (so they win). */
        public Builder args(String... directives) {
            args.addAll(Arrays.asList(directives));
            return this;
        }

        /** A user created at start ({@code --user name rules...}), e.g. an admin for a sidecar. */
        public Builder user(String name, String... rules) {
            args.add("--user");
            args.add(name);
            args.addAll(Arrays.asList(rules));
            return this;
        }

        /** Launches redis-server and waits (bounded) until it serves. */
        public RedisProcess start() {
            if (port < 0) {
                port = Ports.free();
            }
            try {
                boolean own = dir == null;
                Path d = own ? Files.createTempDirectory("redis-process") : Files.createDirectories(dir);
                RedisProcess r = new RedisProcess(this, d, own);
                try {
                    r.launch();
                } catch (RuntimeException e) {
                    r.close();
                    throw e;
                }
                return r;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Starts the process again (stopping it first if it runs) with the same ports, arguments and
     * directory: what was set at runtime is gone, as after a restart without persistence.
     */
    public void restart() {
        stop();
        launch();
    }

    /**
     * Launches redis-server and waits (bounded) until it serves: a plaintext port answers PING
     * (-NOAUTH counts: requirepass), or a TLS-only server accepts a connection.
     */
    private void launch() {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.currentTimeMillis() + START_MILLIS;
            while (System.currentTimeMillis() < deadline && process.isAlive()) {
                if (serving()) {
                    return;
                }
                Thread.sleep(20);
            }
            String why = Files.exists(log) ? Files.readString(log) : "(no log)";
            stop();
            throw new IllegalStateException("redis-server did not start: " + why);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException(e);
        }
    }

    private boolean serving() {
        if (port != 0) {
            try (RespClient c = RespClient.connect(port)) {
                String pong = c.callString("PING");
                return "+PONG\r\n".equals(pong) || pong.startsWith("-NOAUTH");
            } catch (RuntimeException e) {
                return false;
            }
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", tlsPort), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops this process only (its own handle: SIGTERM, then SIGKILL after 5 s), keeping the directory. */
    public void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The plaintext port (0: none). */
    public int port() {
        return port;
    }

    /** The TLS port (0: none). */
    public int tlsPort() {
        return tlsPort;
    }

    /** The server's directory (its --dir unless a directive changed it). */
    public Path dir() {
        return dir;
    }

    /** What redis-server wrote (stdout and stderr, every start appended). */
    public Path log() {
        return log;
    }

    /** A raw RESP client on the plaintext port. */
    public RespClient client() {
        return RespClient.connect(port);
    }

    /** Stops the process and removes the directory if this created it. */
    @Override
    public void close() {
        stop();
        if (!ownsDir) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
