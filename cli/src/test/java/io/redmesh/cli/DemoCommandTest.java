package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/redmesh demo} as a person runs it: three node processes come up with agents, the
 * printed redis-cli command works (Debian's redis-cli over TLS with the demo's client
 * certificate), a user made on one node is on the others, certificates rotate, and Ctrl-C
 * stops every node and removes the demo's directory.
 */
class DemoCommandTest {
    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "(timeout)";
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    /** Runs bin/redmesh from the test class path, as Launched does. */
    private static String runWithClasspath(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("REDMESH_CLASSPATH",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        pb.environment().put("REDMESH_JAVA_OPTS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx128m");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "(timeout)";
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static List<String> cli(String printed, int port, String... args) {
        List<String> cmd = new ArrayList<>(Arrays.asList(printed.trim().split(" +")));
        int p = cmd.indexOf("-p");
        cmd.set(p + 1, Integer.toString(port));
        cmd.add("--no-auth-warning");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void demoRunsConnectsRotatesAndCleansUp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-cli")), "Debian's redis-cli is not installed");
        try (Launched demo = Launched.script("redmesh", "demo", "--leaf-lifetime", "30s", "--plain")) {
            String dirLine = demo.awaitLine("CA and files in ", Duration.ofSeconds(60));
            Path dir = Path.of(dirLine.substring(dirLine.indexOf("files in ") + "files in ".length()).trim());
            String cmdLine = demo.awaitLine("redis-cli --tls", Duration.ofSeconds(150));
            String portsLine = demo.awaitLine("Node TLS ports: ", Duration.ofSeconds(5));
            Matcher m = Pattern.compile("(\\d+), (\\d+), (\\d+)").matcher(portsLine);
            assertTrue(m.find(), portsLine);
            int[] ports = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};

            assertEquals("PONG", run(cli(cmdLine, ports[0], "PING")));
            assertEquals("OK", run(cli(cmdLine, ports[0], "ACL", "SETUSER", "viewer", "on", ">v", "~*", "+@read")));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String onNode3 = "";
            while (System.nanoTime() < deadline && !onNode3.contains("viewer")) {
                onNode3 = run(cli(cmdLine, ports[2], "ACL", "USERS"));
                Thread.sleep(100);
            }
            assertTrue(onNode3.contains("viewer"), "the user made on node1 is on node3: " + onNode3);

            // the operator tools, as the demo prints them
            String statusLine = demo.awaitLine("Mesh status from the command line: ", Duration.ofSeconds(5));
            List<String> status = new ArrayList<>(Arrays.asList(
                    statusLine.substring(statusLine.indexOf("bin/redmesh")).trim().split(" +")));
            status.set(0, Launched.root().resolve("bin/redmesh").toString());
            // node1's view of the mesh; on a loaded machine a member's heartbeat can be late for a
            // moment (seen at load 30), so the view is asked again, within a bound
            String table = runWithClasspath(status);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!table.matches("(?s).*node1 +yes.*node2 +yes.*node3 +yes.*") && System.nanoTime() < until) {
                Thread.sleep(1000);
                table = runWithClasspath(status);
            }
            assertTrue(table.matches("(?s).*node1 +yes.*node2 +yes.*node3 +yes.*"), table);
            List<String> acl = new ArrayList<>(status);
            acl.set(1, "acl");
            acl.set(2, "users");
            assertTrue(runWithClasspath(acl).contains("viewer"));

            // a 30 s leaf renews at 20 s: the table counts it
            demo.awaitLine("rotations=1", Duration.ofSeconds(60));

            demo.signal("INT");
            int code = demo.awaitExit(Duration.ofSeconds(60));
            assertTrue(code == 0 || code == 130, "exit code " + code + "\n" + demo.output());
            assertTrue(demo.output().contains("RedMesh demo stopped; " + dir + " removed."), demo.output());
            assertFalse(Files.exists(dir), "the demo's directory is removed");
            for (int p : ports) {
                assertFalse(listening(p), "node on port " + p + " stopped");
            }
        }
    }
}
