package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options bin/redmesh chooses (REDMESH_PRINT_JVM_OPTS=1 prints them instead of starting
 * java): the heap cap follows maxmemory from the config file (and its includes) or the command
 * line, which wins, in Redis's memory units; no maxmemory leaves the heap to grow with the machine.
 */
class LauncherJvmOptionsTest {
    @TempDir
    Path dir;

    @Test
    void heapCapIsTwiceMaxmemoryPlus128MbFromTheCommandLine() throws Exception {
        assertTrue(options(Map.of(), "server", "--port", "7000", "--maxmemory", "64mb").endsWith(" -Xmx256m"));
        assertTrue(options(Map.of(), "server", "--MAXMEMORY", "1gb").endsWith(" -Xmx2176m"));
        // Redis's units: k, m, g are powers of ten, kb, mb, gb powers of two
        assertTrue(options(Map.of(), "server", "--maxmemory", "1000m").endsWith(" -Xmx2035m"));
    }

    @Test
    void heapCapFollowsTheConfigFileAndItsIncludesUnlessTheCommandLineSaysOtherwise() throws Exception {
        Path inner = dir.resolve("inner.conf");
        Files.writeString(inner, "port 7000\nmaxmemory \"100mb\""); // no newline after the last line
        Path outer = dir.resolve("outer.conf");
        Files.writeString(outer, "include " + inner + "\nappendonly no\n");
        assertTrue(options(Map.of(), "server", outer.toString()).endsWith(" -Xmx328m"));
        assertTrue(options(Map.of(), "server", outer.toString(), "--maxmemory", "64mb").endsWith(" -Xmx256m"));
    }

    @Test
    void withoutMaxmemoryTheHeapMayGrowToThreeQuartersOfTheMachine() throws Exception {
        for (List<String> args : List.of(List.of("server"), List.of("server", "--maxmemory", "0"),
                List.of("server", "--maxmemory", "18446744073709551615"), List.of("agent", "--maxmemory", "1gb"))) {
            String opts = options(Map.of(), args.toArray(new String[0]));
            assertTrue(opts.endsWith(" -XX:MaxRAMPercentage=75") && !opts.contains("-Xmx"), args + ": " + opts);
        }
    }

    @Test
    void theYoungGenerationIsFixedAndTheUserMayChooseTheHeap() throws Exception {
        String opts = options(Map.of(), "server");
        assertTrue(opts.contains("-XX:+UseParallelGC") && opts.contains("-Xmn24m"), opts);
        assertTrue(options(Map.of("REDMESH_HEAP", "3g"), "server", "--maxmemory", "1gb").endsWith(" -Xmx3g"));
        assertEquals("-Xmx1g", options(Map.of("REDMESH_JAVA_OPTS", "-Xmx1g"), "server", "--maxmemory", "1gb"));
    }

    private static String options(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Launched.root().resolve("bin/redmesh").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("REDMESH_JAVA_OPTS");
        pb.environment().remove("REDMESH_HEAP");
        pb.environment().putAll(env);
        pb.environment().put("REDMESH_PRINT_JVM_OPTS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/redmesh did not exit");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
