package io.redmesh.agent.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Member lines show what peers say about themselves (their status broadcast and their member
 * id). A mesh member may lie (documented), but must not be able to add lines or fields to
 * another node's INFO: INFO parsers (redis-cli, client libraries, exporters) read every
 * "field:value" line of the reply into one map.
 */
class SecurityInfoTest {

    @Test
    void peerControlledTextCannotAddLinesOrFields() {
        MemberStatus self = new MemberStatus("node1", "operator", "in-process", 1L << 16, "abcd", 1, "7f", 0, 1, 0, 2,
                true, System.currentTimeMillis(), "master", "", 6380, List.of("localhost"));
        MemberStatus liar = new MemberStatus("node2\r\nrole:slave", "node\r\nredis_version:0.0.1",
                "x", 1L << 16, "ab,acl_digest=ffff\r\nmesh_synced:1", 1, "7f\n", 0, 1, 0, 2, true,
                System.currentTimeMillis(), "slave\r\nrole:master", "evil,repl_role=master\r\nx:1", 1, List.of());
        SecurityInfo info = new SecurityInfo(() -> new SecurityInfo.View(self, 0,
                List.of(new SecurityInfo.MemberView("node2\r\nmaster_host:evil", true, liar))));
        String out = info.render();
        String[] lines = out.split("\r\n", -1);
        int members = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            assertTrue(line.matches("[a-z_]+:[^\r\n]*") || line.startsWith("member_"), line);
            assertTrue(!line.contains("\r") && !line.contains("\n"), line);
            if (line.startsWith("member_")) {
                members++;
                assertTrue(line.split("acl_digest=", -1).length == 2, "one acl_digest field: " + line);
                assertTrue(line.indexOf(':') == line.lastIndexOf(':'), "one ':' per line: " + line);
            }
        }
        assertTrue(members == 1, out);
        for (String line : lines) {
            assertTrue(!line.startsWith("role:") && !line.startsWith("redis_version:")
                    && !line.startsWith("master_host:") && !line.startsWith("acl_digest=ffff"), line);
        }
        assertTrue(out.contains("member_node2__master_host_evil:reachable=1,role=node__redis_version_0.0.1,"), out);
    }
}
