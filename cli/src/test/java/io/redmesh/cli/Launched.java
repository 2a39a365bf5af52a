package io.redmesh.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RedMesh started through the real launcher scripts (bin/redmesh-server, bin/redmesh) as a
 * child process, with its combined output collected line by line. The scripts run from the
 * test class path (REDMESH_CLASSPATH) because the jar is only packaged after the tests.
 */
final class Launched implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private Launched(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "launched-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The repository root: the cli module's parent. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("bin/redmesh-server"))) {
                return p;
            }
        }
        throw new IllegalStateException("bin/redmesh-server not found above " + here);
    }

    /** Runs bin/{@code script} with the arguments. */
    static Launched script(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root().resolve("bin").resolve(script).toString());
        cmd.addAll(List.of(args));
        return command(cmd);
    }

    /** Runs {@code cmd} (a script that ends in bin/redmesh) with the launcher's test environment. */
    static Launched command(List<String> cmd) throws IOException {
        ProcessBuilder pb = builder(cmd);
        // A small, quick-starting JVM: these tests measure behaviour, not speed. From a class
        // path there is no jar manifest, so Atomix's Add-Opens (agent processes) is given here.
        pb.environment().put("REDMESH_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx256m "
                + "--add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED");
        return new Launched(pb.start());
    }

    /**
     * Runs bin/{@code script} with the JVM options the launcher chooses itself (heap sizing from
     * maxmemory, collector), as a user's process runs: for tests of what those options promise.
     */
    static Launched withProductJvmOptions(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root().resolve("bin").resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = builder(cmd);
        pb.environment().remove("REDMESH_JAVA_OPTS");
        pb.environment().remove("REDMESH_HEAP");
        return new Launched(pb.start());
    }

    private static ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        pb.environment().put("REDMESH_CLASSPATH", cp);
        return pb;
    }

    static Launched server(String... args) throws IOException {
        return script("redmesh-server", args);
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    /** Waits for a line containing {@code text}; returns it, or throws with the output so far. */
    String awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int seen = 0;
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (lines.get(seen).contains(text)) {
                        return lines.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("no line containing '" + text + "' in:\n" + output());
                }
                lines.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    /** Waits for the process to end and for its output to be read; returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("process did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(5000);
        return process.exitValue();
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        kill.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        // children first (the demo's nodes): killing the parent with SIGKILL would orphan them
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
