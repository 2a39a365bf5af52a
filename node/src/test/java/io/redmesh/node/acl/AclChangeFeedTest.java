package io.redmesh.node.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node side of ACL distribution: local changes out, remote changes in, no echo. */
class AclChangeFeedTest {

    private static List<String[]> listen(ServerFixture s) {
        List<String[]> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        s.server().acl().changes.addListener((user, rules, actor) -> seen.add(new String[] {user, rules, actor}));
        return seen;
    }

    private static <T> T locked(ServerFixture s, java.util.concurrent.Callable<T> body) throws Exception {
        s.context().lock.lock();
        try {
            return body.call();
        } finally {
            s.context().lock.unlock();
        }
    }

    @Test
    void setuserDeluserAndLoadArePublishedOncePerChangedUser() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            List<String[]> seen = listen(s);
            c.callString("ACL", "SETUSER", "alice", "on", ">pw", "~a:*", "+get", "(~b:* +set)");
            assertEquals(1, seen.size());
            assertEquals("alice", seen.get(0)[0]);
            assertTrue(seen.get(0)[2].startsWith("default@127.0.0.1:"), seen.get(0)[2]);
            assertEquals("on #" + sha("pw") + " ~a:* resetchannels -@all +get (~b:* resetchannels -@all +set)",
                    seen.get(0)[1]);
            c.callString("ACL", "SETUSER", "alice", "on"); // no change: nothing published
            assertEquals(1, seen.size());
            assertEquals(":1\r\n", c.callString("ACL", "DELUSER", "alice", "nobody"));
            assertEquals(2, seen.size());
            assertEquals("alice", seen.get(1)[0]);
            assertNull(seen.get(1)[1]);
            c.callString("ACL", "SETUSER", "bad", "+nosuchcommand"); // refused: nothing published
            assertEquals(2, seen.size());
        }
    }

    @Test
    void remoteChangesApplyExactlyAndDoNotEcho() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            List<String[]> seen = listen(s);
            Acl acl = s.server().acl();
            String rules = "on #" + sha("pw") + " ~a:* resetchannels -@all +get (~b:* resetchannels -@all +set)";
            locked(s, () -> {
                acl.changes.applyRemote("bob", rules);
                return null;
            });
            assertEquals("user bob " + rules, lineOf(c, "bob"));
            assertTrue(seen.isEmpty(), "a remote apply is not published back");
            // a later local change to another user does not republish bob
            c.callString("ACL", "SETUSER", "carol", "on", "nopass");
            assertEquals(1, seen.size());
            assertEquals("carol", seen.get(0)[0]);
            // the remote rules replace, they do not add to, what the user had
            locked(s, () -> {
                acl.changes.applyRemote("bob", "off resetchannels -@all");
                return null;
            });
            assertEquals("user bob off resetchannels -@all", lineOf(c, "bob"));
            locked(s, () -> {
                acl.changes.applyRemote("bob", null);
                return null;
            });
            assertEquals(":0\r\n", c.callString("ACL", "DELUSER", "bob"));
            Map<String, String> snap = locked(s, acl.changes::snapshot);
            assertEquals(java.util.Set.of("default", "carol"), snap.keySet());
        }
    }

    @Test
    void badRemoteRulesChangeNothing() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            c.callString("ACL", "SETUSER", "dave", "on", "nopass", "+get");
            Acl acl = s.server().acl();
            String before = lineOf(c, "dave");
            assertThrows(Acl.SetUserException.class, () -> locked(s, () -> {
                acl.changes.applyRemote("dave", "on +nosuchcommand");
                return null;
            }));
            assertThrows(Acl.SetUserException.class, () -> locked(s, () -> {
                acl.changes.applyRemote("dave", "on (~x +get");
                return null;
            }));
            assertEquals(before, lineOf(c, "dave"));
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void deletingAUserRemotelyClosesItsConnections() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client(); RespClient eve = s.client()) {
            c.callString("ACL", "SETUSER", "eve", "on", ">x", "+@all", "~*");
            assertEquals("+OK\r\n", eve.callString("AUTH", "eve", "x"));
            locked(s, () -> {
                s.server().acl().changes.applyRemote("eve", null);
                return null;
            });
            assertTrue(eve.closedByServer(2000));
        }
    }

    private static String lineOf(RespClient c, String user) {
        String list = c.callString("ACL", "LIST");
        for (String l : list.split("\r\n")) {
            if (l.startsWith("user " + user + " ")) {
                return l;
            }
        }
        return null;
    }

    private static String sha(String pw) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(pw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
