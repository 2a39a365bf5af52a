package io.redmesh.sentinel.testing;

import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.testing.ReplicatedNodeProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One server of a sentinel topology in its own process on loopback, ours or Debian's: a RedMesh
 * data node (node + replication, the launcher's wiring), a redis-server 7.0.15, a RedMesh
 * sentinel ({@link SentinelMain}) or a redis-sentinel 7.0.15. Each has its directory (its log,
 * and a sentinel's sentinel.conf, which it rewrites). With a TLS context the readiness probe and
 * {@link #client()} speak TLS (for servers with {@code port 0}). Stopped by its own process
 * handle; every wait is bounded.
 */
public final class ServerProcess implements AutoCloseable {
    public enum Kind {
        REDMESH_NODE, REDIS_SERVER, REDMESH_SENTINEL, REDIS_SENTINEL;

        public boolean sentinel() {
            return this == REDMESH_SENTINEL || this == REDIS_SENTINEL;
        }

        public boolean redmesh() {
            return this == REDMESH_NODE || this == REDMESH_SENTINEL;
        }
    }

    /** JVM options of RedMesh children: quick to start, small. */
    static final List<String> JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx192m", "-Xss512k");

    private final Kind kind;
    private final String name;
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final SSLContext tls;
    private final List<String> command;
    private final String password;
    private Process process;

    private ServerProcess(Kind kind, String name, Path dir, int port, int tlsPort, SSLContext tls, List<String> command,
                          String password) {
        this.password = password;
        this.kind = kind;
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.tls = tls;
        this.command = command;
    }

    /** Whether Debian's redis-server and redis-sentinel are installed (CI installs them). */
    public static boolean redisAvailable() {
        return onPath("redis-server") && onPath("redis-sentinel");
    }

    private static boolean onPath(String exe) {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, exe))) {
                return true;
            }
        }
        return false;
    }

    /** What to start. */
    public static final class Spec {
        final Kind kind;
        final String name;
        final Path dir;
        int port = -1;
        int tlsPort;
        SSLContext tls;
        String sentinelConf = "";
        String password;
        final List<String> args = new ArrayList<>();

        Spec(Kind kind, String name, Path dir) {
            this.kind = kind;
            this.name = name;
            this.dir = dir;
        }

        /** The plaintext port (default: a free one; 0: none). */
        public Spec port(int p) {
            this.port = p;
            return this;
        }

        /** A TLS port, and the context the probe and clients use (trust, client certificate). */
        public Spec tls(int tlsPort, SSLContext client) {
            this.tlsPort = tlsPort;
            this.tls = client;
            return this;
        }

        /** The password the harness authenticates with (requirepass) before each {@link #call}. */
        public Spec auth(String pass) {
            this.password = pass;
            return this;
        }

        /** A sentinel's sentinel.conf lines (port, bind, dir and logfile are written before them). */
        public Spec sentinelConf(String lines) {
            this.sentinelConf = lines;
            return this;
        }

        /** Directives as "--name", "value" ... after the defaults (so they win). */
        public Spec args(String... a) {
            args.addAll(Arrays.asList(a));
            return this;
        }

        public ServerProcess start() throws IOException {
            return ServerProcess.start(this);
        }
    }

    public static Spec spec(Kind kind, String name, Path dir) {
        return new Spec(kind, name, dir);
    }

    private static ServerProcess start(Spec s) throws IOException {
        Files.createDirectories(s.dir);
        int port = s.port < 0 ? Ports.free() : s.port;
        List<String> cmd = new ArrayList<>();
        Path log = s.dir.resolve(s.kind.sentinel() ? "sentinel.log" : "node.log");
        switch (s.kind) {
            case REDMESH_NODE, REDMESH_SENTINEL -> {
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(JVM);
                cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path"))));
                cmd.add(s.kind == Kind.REDMESH_NODE ? ReplicatedNodeProcess.class.getName() : SentinelMain.class.getName());
            }
            case REDIS_SERVER -> cmd.add("redis-server");
            default -> cmd.add("redis-sentinel");
        }
        if (s.kind.sentinel()) {
            Path file = s.dir.resolve("sentinel.conf");
            Files.writeString(file, "port " + port + "\nbind 127.0.0.1\ndir " + s.dir + "\nlogfile " + log + "\n"
                    + (s.tlsPort != 0 ? "tls-port " + s.tlsPort + "\n" : "") + s.sentinelConf);
            cmd.add(file.toString());
        } else {
            cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--dir",
                    s.dir.toString(), "--logfile", log.toString()));
            if (s.tlsPort != 0) {
                cmd.addAll(List.of("--tls-port", Integer.toString(s.tlsPort)));
            }
            if (s.kind == Kind.REDIS_SERVER) {
                cmd.addAll(List.of("--appendonly", "no", "--daemonize", "no"));
            }
        }
        cmd.addAll(s.args);
        ServerProcess p = new ServerProcess(s.kind, s.name, s.dir, port, s.tlsPort, s.tls, List.copyOf(cmd), s.password);
        p.launch();
        return p;
    }

    private void launch() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        // a child JVM on a loaded 2-core machine was seen taking over 20 s to serve: generous, bounded
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try (RespClient c = client()) {
                String pong = c.callString("PING");
                if (pong.equals("+PONG\r\n") || pong.startsWith("-NOAUTH") || pong.startsWith("-LOADING")
                        || pong.startsWith("-MASTERDOWN")) {
                    return;
                }
            } catch (RuntimeException e) {
                sleep(50);
            }
        }
        String why = logText() + stdout();
        kill9();
        throw new IllegalStateException(this + " did not start: " + why);
    }

    /** Starts it again after {@link #kill9} or {@link #stop} (same ports, directory and file). */
    public void restart() throws IOException {
        launch();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    /** The plaintext port (0: none). */
    public int port() {
        return port;
    }

    public int tlsPort() {
        return tlsPort;
    }

    /** The port clients and peers use: the TLS port when there is one. */
    public int servingPort() {
        return tlsPort != 0 ? tlsPort : port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return dir.resolve("sentinel.conf");
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** A raw RESP client on the serving port (TLS with the context given at start). */
    public RespClient client() {
        return port != 0 && tlsPort == 0 ? RespClient.connect(port) : RespClient.connect(servingPort(), tls);
    }

    /** One command, its raw reply ("(error: ...)" when the connection fails); authenticated when a password was given. */
    public String call(String... cmd) {
        try (RespClient c = client()) {
            if (password != null) {
                c.callString("AUTH", password);
            }
            return c.callString(cmd);
        } catch (RuntimeException e) {
            return "(error: " + e.getMessage() + ")";
        }
    }

    public String logText() {
        try {
            Path log = dir.resolve(kind.sentinel() ? "sentinel.log" : "node.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    public String stdout() {
        try {
            Path out = dir.resolve("stdout.log");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGSTOP / SIGCONT: a stopped process looks partitioned to its peers. */
    public void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
        k.waitFor(5, TimeUnit.SECONDS);
    }

    /** SIGKILL: a crash. */
    public void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL after 10 s. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill9();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill9();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                signal("CONT"); // a stopped process must run to die of SIGKILL on some kernels
            } catch (IOException | InterruptedException e) {
                // killing it anyway
            }
        }
        kill9();
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case REDMESH_NODE -> "RedMesh node";
            case REDIS_SERVER -> "redis-server";
            case REDMESH_SENTINEL -> "RedMesh sentinel";
            default -> "redis-sentinel";
        };
        return name + " (" + what + " :" + servingPort() + ")";
    }
}
