package io.redmesh.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The steps of an example's README as the tests take them: commands run as a reader runs them
 * (bounded), the redis-cli line the demo printed re-aimed at another node, waits with a deadline.
 */
final class Walkthrough {
    private Walkthrough() {}

    /** Runs a command (bounded to 60 s); its combined output, trimmed, or "(timeout)". */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, false);
    }

    /** Runs bin/redmesh ... from the test class path, as {@link Launched} does. */
    static String redmesh(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Launched.root().resolve("bin/redmesh").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, true);
    }

    /** Runs a bash script in which bin/redmesh runs from the test class path. */
    static String redmeshScript(String script) throws IOException, InterruptedException {
        return run(List.of("bash", "-c", script), true);
    }

    private static String run(List<String> cmd, boolean launcher) throws IOException, InterruptedException {
        Path out = Files.createTempFile("walkthrough", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            if (launcher) {
                pb.environment().put("REDMESH_CLASSPATH",
                        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
                pb.environment().put("REDMESH_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m");
            }
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return "(timeout)";
            }
            return Files.readString(out, StandardCharsets.UTF_8).trim();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The printed redis-cli line aimed at {@code port}, with {@code args} appended. */
    static List<String> cli(String printed, int port, String... args) {
        List<String> cmd = new ArrayList<>(Arrays.asList(printed.trim().split(" +")));
        cmd.set(cmd.indexOf("-p") + 1, Integer.toString(port));
        cmd.add("--no-auth-warning");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The printed line without its --user/--pass: a connection as the default user, to AUTH as another. */
    static List<String> cliAs(String printed, int port, String user, String pass, String... args) {
        List<String> cmd = cli(printed, port, args);
        int u = cmd.indexOf("--user");
        cmd.subList(u, u + 4).clear();
        cmd.addAll(cmd.indexOf("--no-auth-warning"), List.of("--user", user, "--pass", pass));
        return cmd;
    }

    /** Repeats {@code cmd} until its output passes, up to {@code max}; the last output either way. */
    static String until(Duration max, List<String> cmd, Predicate<String> ok) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        String last = run(cmd);
        while (!ok.test(last) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            last = run(cmd);
        }
        return last;
    }

    /** GET http://127.0.0.1:port/metrics. */
    static String scrape(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    /** The pids of the processes in process group {@code pgid} (ps), empty when none is left. */
    static List<String> processGroup(long pgid) throws IOException, InterruptedException {
        String out = run(List.of("ps", "-o", "pid=", "-g", Long.toString(pgid)));
        return out.isBlank() ? List.of() : Arrays.asList(out.trim().split("\\s+"));
    }

    /** The JVM's per-process files (hsperfdata) a clean exit removes; those still there for {@code pids}. */
    static List<Path> leftoverJvmFiles(List<Long> pids) {
        Path perf = Path.of(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"));
        List<Path> left = new ArrayList<>();
        for (long pid : pids) {
            if (Files.exists(perf.resolve(Long.toString(pid)))) {
                left.add(perf.resolve(Long.toString(pid)));
            }
        }
        return left;
    }

    /** Removes a directory tree a failed run left behind. */
    static void removeTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort after a failure
        }
    }
}
