package io.redmesh.node.security;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * CVE-2025-67733 (Debian 7.0.15-1~deb12u7, "Strip CRLF from error and simple string replies"): a
 * reply text carrying a client's CR/LF could inject protocol into the connection. Through Lua's
 * error_reply in Redis; RedMesh has no scripting, so the replay sends CR/LF through every path
 * where a client's bytes come back in an error or status line. Replies must be Redis's (and so
 * one reply each: a second reply would show up as a mismatch on the next command).
 */
class Cve2025_67733ReplyInjectionTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void crlfInArgumentsNeverSplitsAReply() {
        try (Peers p = Peers.start()) {
            String evil = "x\r\n+OK\r\n-ERR injected\r\n:1";
            p.same(b(evil), b("a"));
            p.same(b("GET"), b(evil), b(evil));
            p.same(b("CONFIG"), b("SET"), b(evil), b("1"));
            p.same(b("CONFIG"), b("SET"), b("maxmemory"), b(evil));
            p.same(b("CONFIG"), b(evil));
            p.same(b("ACL"), b("SETUSER"), b("u"), b(evil));
            p.same(b("ACL"), b("CAT"), b(evil));
            p.same(b("CLIENT"), b("SETNAME"), b(evil));
            p.same(b("CLIENT"), b("KILL"), b(evil));
            p.same(b("SELECT"), b(evil));
            p.same(b("OBJECT"), b(evil), b("k"));
            p.same(b("HELLO"), b(evil));
            p.same(b("SET"), b("k"), b("v"), b(evil));
            p.same(b("PING"), b(evil));
            p.same(b("ECHO"), b(evil));
            p.same(b("PING"));
            p.bothAlive();
        }
    }
}
