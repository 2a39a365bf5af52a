package io.redmesh.node.testing;

import io.redmesh.node.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node in its own JVM (for kill -9 tests), started from the test class path with
 * redis-server style arguments on a free loopback port; output goes to {@code log}.
 */
public final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    public final Path log;

    private NodeProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Entry point of the child JVM. */
    public static void main(String[] args) throws Exception {
        Node server = Node.fromArgs(Arrays.asList(args));
        try {
            server.start();
        } catch (Node.StartupException e) {
            System.err.println("FATAL: " + e.getMessage());
            System.exit(1);
        }
        server.awaitStop();
    }

    public static NodeProcess start(Path log, String... directives) throws IOException {
        int port = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                NodeProcess.class.getName(), "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", ""));
        cmd.addAll(Arrays.asList(directives));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NodeProcess n = new NodeProcess(p, port, log);
        // A child JVM on a loaded 2-core machine was once seen taking over 20 s to serve: bounded, but generous.
        long deadline = System.currentTimeMillis() + 60000;
        while (System.currentTimeMillis() < deadline && p.isAlive()) {
            try (RespClient c = RespClient.connect(port)) {
                if (c.callString("PING").equals("+PONG\r\n")) {
                    return n;
                }
            } catch (RuntimeException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        n.kill9();
        throw new IllegalStateException("node did not start: " + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it still runs. */
    public int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash. */
    public void kill9() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill9();
    }
}
