package io.redmesh.node.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's 7.0.15) on a free loopback port, the reference for differential
 * tests. Tests that need it call {@link #available()} and are skipped without it locally; CI
 * installs it, so there they always run.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private RealRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean available() {
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "redis-server"))) {
                return true;
            }
        }
        return false;
    }

    /** Starts redis-server with the given extra "--directive value" arguments. */
    public static RealRedis start(String... directives) {
        return startWithConfig(null, directives);
    }

    /** Starts redis-server reading {@code configFile} first (CONFIG REWRITE tests), then directives. */
    public static RealRedis startWithConfig(Path configFile, String... directives) {
        int port = Ports.free();
        try {
            Path dir = Files.createTempDirectory("realredis");
            List<String> cmd = new ArrayList<>(List.of("redis-server"));
            if (configFile != null) {
                cmd.add(configFile.toString());
            }
            cmd.addAll(List.of("--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                    "--daemonize", "no"));
            cmd.addAll(Arrays.asList(directives));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            RealRedis r = new RealRedis(p, port, dir);
            long deadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < deadline) {
                try (RespClient c = RespClient.connect(port)) {
                    String pong = c.callString("PING");
                    if ("+PONG\r\n".equals(pong) || pong.startsWith("-NOAUTH")) { // up, maybe with requirepass
                        return r;
                    }
                } catch (RuntimeException e) {
                    Thread.sleep(50);
                }
            }
            String log = Files.readString(dir.resolve("redis.log"));
            r.close();
            throw new IllegalStateException("redis-server did not start: " + log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server's own temp dir (its --dir unless a directive changed it). */
    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public RespClient client() {
        return RespClient.connect(port);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
