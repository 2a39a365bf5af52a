package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An example README's walkthrough, run as written: the ```sh blocks under each "### Step"
 * heading, each run by bash from the repository root with the demo's demo.env sourced (as the
 * README tells the reader to), `set -u` so a variable the README names and the demo does not
 * set fails. The README's own `. /tmp/redmesh-demo-...` line is the one line skipped.
 */
final class ReadmeSteps {
    private final Map<String, List<String>> blocks = new LinkedHashMap<>();
    private final Path env;

    ReadmeSteps(Path readme, Path env) throws IOException {
        this.env = env;
        String step = null;
        StringBuilder block = null;
        for (String line : Files.readAllLines(readme)) {
            if (block != null) {
                if (line.equals("```")) {
                    if (step != null) {
                        blocks.computeIfAbsent(step, k -> new ArrayList<>()).add(block.toString());
                    }
                    block = null;
                } else if (!line.startsWith(". /tmp/redmesh-demo-")) {
                    block.append(line).append('\n');
                }
            } else if (line.startsWith("### ")) {
                step = line.substring(4).trim();
            } else if (line.startsWith("## ")) {
                step = null;
            } else if (line.equals("```sh")) {
                block = new StringBuilder();
            }
        }
    }

    /** The number of sh blocks under "### step". */
    int blocks(String step) {
        return blocks.getOrDefault(step, List.of()).size();
    }

    /** Runs block {@code index} of "### step" once; its combined output. */
    String run(String step, int index) throws IOException, InterruptedException {
        List<String> of = blocks.get(step);
        assertTrue(of != null && index < of.size(), "the README has a block " + index + " under '### " + step + "': " + blocks.keySet());
        String script = "set -u\n. '" + env + "'\ncd '" + Launched.root() + "'\n" + of.get(index);
        // redis-cli's warning about --pass on the command line goes to stderr, which the reader sees too
        return Walkthrough.redmeshScript(script).lines().filter(l -> !l.startsWith("Warning: Using a password"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Runs the block until its output passes (bounded); the last output. */
    String until(Duration max, String step, int index, Predicate<String> ok) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        String out = run(step, index);
        while (!ok.test(out) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            out = run(step, index);
        }
        return out;
    }
}
