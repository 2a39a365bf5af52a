package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * An example's run.sh started as a terminal starts a job: in a session and process group of its
 * own (setsid), with SIGINT at its default (a job started from a script inherits it ignored; one
 * started from a terminal does not). Its ports, PIDs and credentials are read from the demo.env
 * it prints, as the READMEs' walkthroughs source it.
 */
final class ExampleRun implements AutoCloseable {
    final Launched demo;
    final Path dir;
    final Map<String, String> env = new LinkedHashMap<>();
    private final Path folder;
    private final Map<Path, String> exampleFiles;

    private ExampleRun(Launched demo, Path dir, Path folder) throws IOException {
        this.demo = demo;
        this.dir = dir;
        this.folder = folder;
        this.exampleFiles = contents(folder);
    }

    /** The example folder's files and their contents: a run must change none (CONFIG REWRITE once did). */
    private static Map<Path, String> contents(Path folder) throws IOException {
        Map<Path, String> out = new java.util.TreeMap<>();
        try (var files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(f, Files.readString(f));
            }
        }
        return out;
    }

    /** Starts examples/{@code example}/run.sh with {@code args}; returns once it printed demo.env. */
    static ExampleRun start(String example, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "Debian's redis-cli is not installed");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid (util-linux) is not installed");
        List<String> cmd = new ArrayList<>(List.of("setsid", "env", "--default-signal=INT",
                Launched.root().resolve("examples").resolve(example).resolve("run.sh").toString()));
        cmd.addAll(List.of(args));
        Path folder = Launched.root().resolve("examples").resolve(example);
        Map<Path, String> before = contents(folder);
        Launched demo = Launched.command(cmd);
        ExampleRun run = null;
        try {
            String dirLine = demo.awaitLine("CA and files in ", Duration.ofSeconds(60));
            run = new ExampleRun(demo, Path.of(dirLine.substring(dirLine.indexOf("files in ") + "files in ".length()).trim()),
                    folder);
            assertEquals(before, run.exampleFiles, "the example's files changed while it started");
            String envLine = demo.awaitLine("The same as shell variables", Duration.ofSeconds(420));
            run.readEnv(Path.of(envLine.substring(envLine.lastIndexOf(". ") + 2).trim()));
            return run;
        } catch (Throwable t) {
            demo.close();
            if (run != null) {
                Walkthrough.removeTree(run.dir);
            }
            throw t;
        }
    }

    private void readEnv(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (line.startsWith("#") || eq < 0) {
                continue;
            }
            String v = line.substring(eq + 1);
            env.put(line.substring(0, eq), v.startsWith("'") ? v.substring(1, v.length() - 1) : v);
        }
    }

    int port(String name) {
        return Integer.parseInt(env.get(name.toUpperCase() + "_PORT"));
    }

    long pid(String name) {
        return Long.parseLong(env.get(name.toUpperCase() + "_PID"));
    }

    int metrics(String name) {
        return Integer.parseInt(env.get(name.toUpperCase() + "_METRICS"));
    }

    /** redis-cli $TLS [$ADMIN] -p PORT args, as the READMEs write it. */
    List<String> redisCli(String name, boolean admin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(List.of(env.get("TLS").split(" ")));
        if (admin) {
            cmd.addAll(List.of(env.get("ADMIN").split(" ")));
        }
        cmd.addAll(List.of("-p", Integer.toString(port(name)), "--no-auth-warning"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The README's CA rotation: `redmesh ca rotate` on the demo's root directory, then `redmesh
     * ca publish` of the overlap bundle with the new issuing CA to the issuer; then every
     * process in {@code names} must serve a certificate of the new root (redis-cli trusting
     * ca/ca.crt, the new root alone, gets PONG) within 60 s.
     */
    void rotateCa(List<String> names) throws Exception {
        String ca = env.get("CA_DIR");
        String rotated = Walkthrough.redmesh("ca", "rotate", "--dir", ca, "--passphrase-file", env.get("CA_PASS"),
                "--issuer", "issuer2", "--out", dir.resolve("issuer2").toString(), "--no-encrypt", "--overlap", "1h");
        assertTrue(Files.exists(Path.of(ca, "trust-bundle-2.tb")), rotated);
        String published = Walkthrough.redmesh("ca", "publish", "--dir", ca, "--passphrase-file", env.get("CA_PASS"),
                "--bundle", ca + "/trust-bundle-2.tb", "--issuing-dir", dir.resolve("issuer2").toString(),
                "--to", env.get("ENROLL"));
        for (String name : names) {
            List<String> newRootOnly = redisCli(name, false, "PING");
            newRootOnly.set(newRootOnly.indexOf("--cacert") + 1, ca + "/ca.crt");
            assertEquals("PONG", Walkthrough.until(Duration.ofSeconds(60), newRootOnly, "PONG"::equals),
                    name + " serves a new-CA certificate; publish said: " + published);
        }
    }

    /**
     * A terminal's Ctrl-C: SIGINT to the whole process group. Every process of the group ends,
     * the demo's directory is removed, and no JVM leaves its hsperfdata file.
     */
    void ctrlCLeavesNothingBehind(List<Long> nodePids) throws Exception {
        long pgid = demo.pid(); // setsid exec'd into env, run.sh, bin/redmesh, then java: one pid, the group's leader
        assertTrue(Walkthrough.processGroup(pgid).size() >= 2, Walkthrough.processGroup(pgid).toString());
        Walkthrough.run(List.of("kill", "-INT", "--", "-" + pgid));
        int code = demo.awaitExit(Duration.ofSeconds(60));
        assertTrue(code == 0 || code == 130, "exit code " + code + "\n" + demo.output());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!Walkthrough.processGroup(pgid).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), Walkthrough.processGroup(pgid), "processes left in the group");
        assertTrue(demo.output().contains("RedMesh demo stopped; " + dir + " removed."), demo.output());
        assertFalse(Files.exists(dir), dir + " is removed");
        List<Long> all = new ArrayList<>(nodePids);
        all.add(pgid);
        assertEquals(List.of(), Walkthrough.leftoverJvmFiles(all));
        Map<Path, String> now = contents(folder);
        java.util.Set<Path> changed = new java.util.TreeSet<>(now.keySet());
        changed.addAll(exampleFiles.keySet());
        changed.removeIf(f -> java.util.Objects.equals(now.get(f), exampleFiles.get(f)));
        assertEquals(java.util.Set.of(), changed, "the example's files are as they were");
    }

    @Override
    public void close() {
        demo.close();
        Walkthrough.removeTree(dir);
    }
}
