package io.redmesh.node.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.redmesh.node.command.MasterClient;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

/**
 * A replica applies its master's SORT ... BY/GET ... STORE whatever its own default user may
 * read: Redis's master client has no user (ACLUserCheckCmdWithUnrestrictedKeyAccess() answers
 * 1 for it), and mustObeyClient() commands are never refused. A replica whose default user is
 * limited to some keys must still store what the master stored.
 */
class SortFromMasterTest {
    @Test
    void masterStreamSortByAndGetIgnoreTheReplicasDefaultUser() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            c.call("RPUSH", "l", "1", "2", "3");
            c.call("MSET", "w_1", "30", "w_2", "20", "w_3", "10");
            c.call("ACL", "SETUSER", "default", "resetkeys", "~l", "~dst", "~dst2");
            MasterClient m = new MasterClient(s.context(), "127.0.0.1:1", raw -> { });
            m.feed(Unpooled.wrappedBuffer(RespClient.encode(RespClient.args("SORT", "l", "BY", "w_*", "STORE", "dst"))));
            m.feed(Unpooled.wrappedBuffer(RespClient.encode(RespClient.args("SORT", "l", "GET", "w_*", "STORE", "dst2"))));
            assertEquals("*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n", c.callString("LRANGE", "dst", "0", "-1"),
                    "the master's SORT BY was applied");
            assertEquals("*3\r\n$2\r\n30\r\n$2\r\n20\r\n$2\r\n10\r\n", c.callString("LRANGE", "dst2", "0", "-1"),
                    "the master's SORT GET was applied");
        }
    }
}
