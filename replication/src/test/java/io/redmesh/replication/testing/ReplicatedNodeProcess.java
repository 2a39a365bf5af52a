package io.redmesh.replication.testing;

import io.redmesh.node.Node;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.replication.Replication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RedMesh node with replication in its own JVM (for kill -9, SIGSTOP and its own log file),
 * started from the test class path on a free loopback port; stopped by its own process handle.
 */
public final class ReplicatedNodeProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String name;
    public final Path log;

    private ReplicatedNodeProcess(Process process, int port, String name, Path log) {
        this.process = process;
        this.port = port;
        this.name = name;
        this.log = log;
    }

    /** Entry point of the child JVM: the launcher's wiring (node + replication). */
    public static void main(String[] args) throws Exception {
        // a test JVM that dies (killed, crashed) takes its nodes with it
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(1)));
        Replication repl = new Replication();
        Node server = Node.fromArgs(Arrays.asList(args), List.of(repl.commands()));
        repl.attach(server.control());
        try {
            server.start();
        } catch (Node.StartupException e) {
            System.err.println("FATAL: " + e.getMessage());
            System.exit(1);
        }
        for (String name : new String[] {"TERM", "INT"}) { // as the launcher's Signals
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                io.redmesh.node.spi.NodeLog.warning("Received SIG" + name + " scheduling shutdown...");
                server.shutdownOnSignal(name);
            });
        }
        server.awaitStop();
    }

    /** Test JVM options: quick to start, small. */
    public static final List<String> TEST_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx512m");
    /** The launcher's JVM options (bin/redmesh) with room for a million keys: for benchmarks. */
    public static final List<String> LAUNCHER_JVM = List.of("-XX:+UseParallelGC", "-Xss512k", "-Xmx2g");

    /** Starts a node; {@code port} 0 picks a free one. The log is {@code dir}/node.log. */
    public static ReplicatedNodeProcess start(String name, Path dir, int port, String... directives) throws IOException {
        return start(name, dir, port, TEST_JVM, directives);
    }

    /** {@link #start(String, Path, int, String...)} with these JVM options. */
    public static ReplicatedNodeProcess start(String name, Path dir, int port, List<String> jvm, String... directives)
            throws IOException {
        return start(name, dir, port, jvm, ReplicatedNodeProcess.class, directives);
    }

    /**
     * A node whose child JVM runs {@code main} (another module's wiring, e.g. cluster mode's) with
     * the same arguments, log and readiness check.
     */
    public static ReplicatedNodeProcess start(String name, Path dir, int port, List<String> jvm, Class<?> main,
                                              String... directives) throws IOException {
        int p = port == 0 ? Ports.free() : port;
        Files.createDirectories(dir);
        Path log = dir.resolve("node.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                main.getName(), "--port", Integer.toString(p), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString(), "--logfile", log.toString()));
        cmd.addAll(Arrays.asList(directives));
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile())).start();
        ReplicatedNodeProcess n = new ReplicatedNodeProcess(proc, p, name, log);
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && proc.isAlive()) {
            try (RespClient c = RespClient.connect(p)) {
                String pong = c.callString("PING");
                if (pong.equals("+PONG\r\n") || pong.startsWith("-NOAUTH") || pong.startsWith("-LOADING")
                        || pong.startsWith("-MASTERDOWN")) {
                    return n;
                }
            } catch (RuntimeException e) {
                sleep(100);
            }
        }
        n.kill9();
        throw new IllegalStateException(name + " did not start: " + n.logText());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGSTOP / SIGCONT: the process freezes, as a partition looks to its peers. */
    public void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start();
        k.waitFor(5, TimeUnit.SECONDS);
    }

    /** SIGKILL: no shutdown hook, no save, as a crash. */
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
        if (process.isAlive()) {
            try {
                signal("CONT"); // a stopped process does not die of SIGKILL until continued on some kernels
            } catch (IOException | InterruptedException e) {
                // killing it anyway
            }
        }
        kill9();
    }

    @Override
    public String toString() {
        return name + " (RedMesh process :" + port + ")";
    }
}
