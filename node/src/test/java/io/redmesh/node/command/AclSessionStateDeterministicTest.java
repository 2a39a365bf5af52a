package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.BlockedQueueDeterministicTest.FakeTransport;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * ACL state of sessions when users change, driven step by step with fake transports so that
 * what real threads hit only in a narrow window happens every time: a session opened while the
 * default user changes, a killed client whose own thread still has requests or messages to
 * handle before its close task runs, a subscriber whose channels were narrowed from allchannels.
 */
class AclSessionStateDeterministicTest {
    private static byte[][] cmd(String... a) {
        byte[][] r = new byte[a.length][];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i].getBytes(StandardCharsets.UTF_8);
        }
        return r;
    }

    /** The ACL engine of each context this test built. */
    private static final java.util.Map<ServerContext, io.redmesh.node.acl.Acl> ACL = new java.util.IdentityHashMap<>();

    private static ServerContext server() {
        // a node built by its composition root and never started: no sockets, no threads
        io.redmesh.node.Node node = io.redmesh.node.Node.build(io.redmesh.node.Node.newConfig());
        ACL.put(node.context(), node.acl());
        return node.context();
    }

    /** Runs a command on an "admin" session and returns its reply. */
    private static String run(ServerContext server, Session s, FakeTransport t, String... argv) {
        server.dispatcher().process(s, cmd(argv));
        s.flush();
        t.runTasks();
        String out = t.output();
        t.written.reset();
        return out;
    }

    @Test
    void sessionOpenedWhileTheDefaultUserIsRestrictedIsChecked() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        Session admin = server.openSession(ta);
        run(server, admin, ta, "SET", "secret", "v");
        // A connection being opened on another thread reads the (unrestricted) default user...
        FakeTransport tn = new FakeTransport();
        Session late = new Session(1000, server, tn);
        // ...the default user is restricted meanwhile (its loop over sessions cannot see it)...
        assertEquals("+OK\r\n", run(server, admin, ta, "ACL", "SETUSER", "default", "resetkeys", "~pub:*"));
        // ...and only then is the new session registered.
        server.sessions.put(late.id, late);
        assertEquals("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n",
                run(server, late, tn, "GET", "secret"));
    }

    @Test
    void deletedUsersClientRunsNothingMoreBeforeItsCloseTaskRuns() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tb = new FakeTransport();
        Session admin = server.openSession(ta);
        Session alice = server.openSession(tb);
        run(server, admin, ta, "ACL", "SETUSER", "alice", "on", ">pw", "~alice:*", "+@all");
        assertEquals("+OK\r\n", run(server, alice, tb, "AUTH", "alice", "pw"));
        assertEquals(":1\r\n", run(server, admin, ta, "ACL", "DELUSER", "alice"));
        // alice's thread decodes one more pipelined request before the close task reaches it:
        // Redis frees the client at once, so it must not run (here it would run as "default").
        server.dispatcher().process(alice, cmd("SET", "outside", "x"));
        tb.runTasks();
        assertTrue(alice.closed);
        assertEquals("$-1\r\n", run(server, admin, ta, "GET", "outside"));
    }

    @Test
    void killedClientRunsNothingMoreBeforeItsCloseTaskRuns() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tb = new FakeTransport();
        Session admin = server.openSession(ta);
        Session victim = server.openSession(tb);
        assertEquals(":1\r\n", run(server, admin, ta, "CLIENT", "KILL", "ID", Long.toString(victim.id)));
        server.dispatcher().process(victim, cmd("SET", "after-kill", "x"));
        tb.runTasks();
        assertEquals("$-1\r\n", run(server, admin, ta, "GET", "after-kill"));
    }

    @Test
    void subscriberNarrowedFromAllChannelsIsKilledAndSentNothingMore() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tb = new FakeTransport();
        Session admin = server.openSession(ta);
        Session alice = server.openSession(tb);
        run(server, admin, ta, "ACL", "SETUSER", "alice", "on", ">pw", "~*", "&*", "+@all");
        run(server, alice, tb, "AUTH", "alice", "pw");
        String sub = run(server, alice, tb, "SUBSCRIBE", "secret");
        assertTrue(sub.contains("secret"), sub);
        // allchannels -> one channel: 7.0.15 disconnects the subscriber of "secret"
        assertEquals("+OK\r\n", run(server, admin, ta, "ACL", "SETUSER", "alice", "resetchannels", "&public"));
        // A publish on alice's own thread before her close task runs must not reach her.
        tb.ioThread = true;
        run(server, admin, ta, "PUBLISH", "secret", "after-revocation");
        tb.ioThread = false;
        tb.runTasks();
        assertTrue(alice.closed, "subscriber of a revoked channel is disconnected");
        assertFalse(tb.output().contains("after-revocation"), tb.output());
    }

    @Test
    void subscriberKeepingItsChannelsStays() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tb = new FakeTransport();
        Session admin = server.openSession(ta);
        Session alice = server.openSession(tb);
        run(server, admin, ta, "ACL", "SETUSER", "alice", "on", ">pw", "~*", "&*", "+@all");
        run(server, alice, tb, "AUTH", "alice", "pw");
        run(server, alice, tb, "SUBSCRIBE", "news");
        run(server, admin, ta, "ACL", "SETUSER", "alice", "resetchannels", "&news");
        tb.runTasks();
        assertFalse(alice.closed, "still allowed: not disconnected");
        run(server, admin, ta, "PUBLISH", "news", "hello");
        tb.runTasks();
        assertTrue(tb.output().contains("hello"), tb.output());
    }

    @Test
    void certonlyDefaultUserIsNoImplicitLogin() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        Session admin = server.openSession(ta);
        run(server, admin, ta, "ACL", "SETUSER", "admin", "on", ">pw", "~*", "&*", "+@all");
        run(server, admin, ta, "AUTH", "admin", "pw");
        // "reachable only through a verified certificate": a plain connection is not logged in
        assertEquals("+OK\r\n", run(server, admin, ta, "ACL", "SETUSER", "default", "certonly"));
        FakeTransport tn = new FakeTransport();
        Session plain = server.openSession(tn);
        assertEquals("-NOAUTH Authentication required.\r\n", run(server, plain, tn, "GET", "k"));
        assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n",
                run(server, plain, tn, "AUTH", "default", "anything"));
        assertEquals("+OK\r\n", run(server, plain, tn, "AUTH", "admin", "pw"));
        // RESET of a plain connection does not land on the certonly default user either
        assertEquals("+RESET\r\n", run(server, plain, tn, "RESET"));
        assertEquals("-NOAUTH Authentication required.\r\n", run(server, plain, tn, "GET", "k"));
        // a certificate naming it still logs in
        FakeTransport tc = new FakeTransport();
        Session cert = server.openSession(tc);
        assertTrue(ACL.get(server).loginWithoutPassword(cert, "default"));
        assertEquals("$-1\r\n", run(server, cert, tc, "GET", "k"));
        // nocertonly restores Redis's behaviour
        run(server, admin, ta, "ACL", "SETUSER", "default", "nocertonly");
        FakeTransport t2 = new FakeTransport();
        Session again = server.openSession(t2);
        assertEquals("$-1\r\n", run(server, again, t2, "GET", "k"));
    }

    @Test
    void killedBlockedClientIsNotServedAnyMore() {
        ServerContext server = server();
        FakeTransport ta = new FakeTransport();
        FakeTransport tb = new FakeTransport();
        Session admin = server.openSession(ta);
        Session victim = server.openSession(tb);
        server.dispatcher().process(victim, cmd("BLPOP", "jobs", "0"));
        assertTrue(victim.isBlocked());
        assertEquals(":1\r\n", run(server, admin, ta, "CLIENT", "KILL", "ID", Long.toString(victim.id)));
        // a push before the victim's close task runs: Redis freed the client, the job stays queued
        assertEquals(":1\r\n", run(server, admin, ta, "RPUSH", "jobs", "j1"));
        tb.runTasks();
        assertEquals(":1\r\n", run(server, admin, ta, "LLEN", "jobs"));
        assertFalse(tb.output().contains("j1"), tb.output());
    }
}
