package io.redmesh.node.command.family;

import io.redmesh.node.testing.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What a node hands to replicas and the AOF, one "argv joined by spaces" line per write. */
final class WriteLog {
    private WriteLog() {}

    /** Starts recording; with {@code withDb} each line starts with "db:". */
    static List<String> record(ServerFixture s, boolean withDb) {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        s.context().addWriteListener((db, argv) -> {
            StringBuilder b = new StringBuilder(withDb ? db + ":" : "");
            for (int i = 0; i < argv.length; i++) {
                b.append(i == 0 ? "" : " ").append(new String(argv[i], StandardCharsets.ISO_8859_1));
            }
            seen.add(b.toString());
        });
        return seen;
    }
}
