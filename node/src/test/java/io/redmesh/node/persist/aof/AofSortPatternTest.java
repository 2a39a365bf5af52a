package io.redmesh.node.persist.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SORT ... BY/GET ... STORE that an admin ran is replayed from the AOF whatever the default
 * user may read: the AOF-loading client must obey what the file says (Redis's mustObeyClient()).
 * Redis 7.0.15 refuses it there too ("BY option of SORT denied due to insufficient ACL
 * permissions" in its log) and comes back without the stored key; RedMesh did the same.
 */
class AofSortPatternTest {
    @TempDir
    Path dir;

    @Test
    void sortByAndGetReplayFromTheAofUnderAKeyLimitedDefaultUser() throws Exception {
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "user default on nopass resetkeys ~l ~dst ~dst2 +@all\nuser admin on >pw ~* &* +@all\n");
        try (ServerFixture n = ServerFixture.startWithConfig(conf, "--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = n.client()) {
            assertEquals("+OK\r\n", c.callString("AUTH", "admin", "pw"));
            c.call("RPUSH", "l", "1", "2", "3");
            c.call("MSET", "w_1", "30", "w_2", "20", "w_3", "10");
            assertEquals(":3\r\n", c.callString("SORT", "l", "BY", "w_*", "STORE", "dst"));
            assertEquals(":3\r\n", c.callString("SORT", "l", "GET", "w_*", "STORE", "dst2"));
        }
        try (ServerFixture n = ServerFixture.startWithConfig(conf, "--dir", dir.toString(), "--appendonly", "yes");
             RespClient c = n.client()) {
            assertEquals("*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", c.callString("LRANGE", "dst", "0", "-1"));
            assertEquals("*3\r\n$2\r\n30\r\n$2\r\n20\r\n$2\r\n10\r\n", c.callString("LRANGE", "dst2", "0", "-1"));
        }
    }
}
