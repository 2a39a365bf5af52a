package io.redmesh.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the checkout's examples/ folder, which the demo's topologies start from (so that
 * examples/*&#47;run.sh, the compose files and {@code redmesh demo} run the same config files).
 * Found under REDMESH_HOME (bin/redmesh sets it), else above the working directory, else above
 * the launcher's jar or classes.
 */
final class ExampleFiles {
    private ExampleFiles() {}

    /** examples/{@code relative} of the checkout, or that path under the working directory when none is found. */
    static Path find(String relative) {
        String home = System.getenv("REDMESH_HOME");
        if (home != null && !home.isEmpty() && Files.exists(Path.of(home, "examples", relative))) {
            return Path.of(home, "examples", relative);
        }
        Path found = above(Path.of("").toAbsolutePath(), relative);
        if (found == null) {
            try {
                found = above(Path.of(ExampleFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                        relative);
            } catch (Exception unknownLocation) {
                // none
            }
        }
        return found != null ? found : Path.of("examples", relative);
    }

    private static Path above(Path start, String relative) {
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
