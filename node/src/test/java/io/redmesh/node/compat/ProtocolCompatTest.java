package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wire protocol against Redis 7.0: multibulk and inline framing, pipelining, every
 * "Protocol error" (reply, then close, while the server keeps serving others) and the limits
 * proto-max-bulk-len, client-query-buffer-limit and the pre-AUTH ones.
 */
class ProtocolCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A malformed request: same error reply, connection closed, server still serving. */
    private static void protocolError(String raw, String expectedError) {
        try (Diff.Pair p = diff.pair()) {
            String reply = p.sameRaw(b(raw), 1);
            assertEquals("-ERR Protocol error: " + expectedError + "\r\n", reply);
            p.bothClosed();
        }
        try (Diff.Pair p = diff.pair()) {
            p.same("PING");
        }
    }

    @Test
    void protocolErrorsReplyThenClose() {
        protocolError("*abc\r\n", "invalid multibulk length");
        protocolError("*01\r\n$4\r\nPING\r\n", "invalid multibulk length");
        protocolError("*+1\r\n$4\r\nPING\r\n", "invalid multibulk length");
        protocolError("*1 \r\n$4\r\nPING\r\n", "invalid multibulk length");
        protocolError("*\r\n", "invalid multibulk length");
        protocolError("*2147483648\r\n", "invalid multibulk length");
        protocolError("*1\r\n$abc\r\n", "invalid bulk length");
        protocolError("*1\r\n$04\r\nPING\r\n", "invalid bulk length");
        protocolError("*1\r\n$-1\r\n", "invalid bulk length");
        protocolError("*1\r\n$\r\n", "invalid bulk length");
        protocolError("*1\r\n$4294967296\r\n", "invalid bulk length");
        protocolError("*1\r\n$536870913\r\n", "invalid bulk length");
        protocolError("*1\r\nfoo\r\n", "expected '$', got 'f'");
        protocolError("*2\r\n$4\r\nECHO\r\n:1\r\n", "expected '$', got ':'");
        protocolError("SET k \"unbalanced\r\n", "unbalanced quotes in request");
        protocolError("SET k 'a'b\r\n", "unbalanced quotes in request");
        char[] big = new char[70000];
        java.util.Arrays.fill(big, 'a');
        protocolError(new String(big), "too big inline request");
        protocolError("*" + new String(big), "too big mbulk count string");
        protocolError("*1\r\n$" + new String(big), "too big bulk count string");
        // strchr() stops at NUL: an inline line holding one never ends
        protocolError("ECHO ab\u0000cd\r\n" + new String(big), "too big inline request");
    }

    @Test
    void ignoredAndTolerated() {
        try (Diff.Pair p = diff.pair()) {
            p.sameRaw(b("*0\r\n*-1\r\n\r\n   \r\n*1\r\n$4\r\nPING\r\n"), 1);
            p.sameRaw(b("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), 2); // bulk CRLF is not checked
            p.sameRaw(b("PING\nPING\r\nECHO \"a\\x41\\n\\\"b\"  'c\\'d'\r\n"), 3);
            p.sameRaw(b("SET k \"\"\r\nGET k\r\n"), 2);
            p.sameRaw(b("\u00e9T\u00e9 x\r\n"), 1); // unknown command with Latin-1 bytes
        }
    }

    @Test
    void pipelineOfManyCommandsInOneWrite() {
        ByteArrayOutputStream w = new ByteArrayOutputStream();
        int n = 0;
        for (int i = 0; i < 500; i++) {
            w.writeBytes(io.redmesh.node.testing.RespClient.encode(b("SET"), b("pk" + i), b("v" + i)));
            w.writeBytes(io.redmesh.node.testing.RespClient.encode(b("INCR"), b("pipecounter")));
            w.writeBytes(b("GET pk" + i + "\r\n"));
            w.writeBytes(io.redmesh.node.testing.RespClient.encode(b("NOSUCHCMD"), b("x")));
            n += 4;
        }
        try (Diff.Pair p = diff.pair()) {
            p.sameRaw(w.toByteArray(), n);
            p.same("DEL", "pipecounter");
        }
    }

    @Test
    void commandsSplitIntoTinyWrites() {
        byte[] cmd = io.redmesh.node.testing.RespClient.encode(b("ECHO"), b("split across many segments"));
        try (Diff.Pair p = diff.pair()) {
            for (byte x : cmd) {
                p.real.send(new byte[] {x});
                p.ours.send(new byte[] {x});
            }
            p.sameNext();
        }
    }

    @Test
    void nothingRunsAfterQuitInTheSamePipeline() {
        try (Diff.Pair p = diff.pair()) {
            p.sameRaw(b("SET afterquit 1\r\nQUIT\r\nSET afterquit 2\r\n"), 2);
            p.bothClosed();
        }
        try (Diff.Pair p = diff.pair()) {
            p.same("GET", "afterquit");
            p.same("DEL", "afterquit");
        }
    }

    @Test
    void protoMaxBulkLen() {
        try (Diff.Pair p = diff.pair()) {
            p.same("CONFIG", "SET", "proto-max-bulk-len", "1mb");
            byte[] mb = new byte[1024 * 1024];
            java.util.Arrays.fill(mb, (byte) 'x');
            p.real.call(b("SET"), b("big"), mb);
            p.ours.call(b("SET"), b("big"), mb);
            p.same("STRLEN", "big");
            p.same("APPEND", "big", "y");
            p.same("SETRANGE", "big", "1048575", "yy");
            p.same("SETRANGE", "big", "1048576", "");
            p.same("DEL", "big");
        }
        protocolError("*1\r\n$1048577\r\n", "invalid bulk length");
        try (Diff.Pair p = diff.pair()) {
            p.same("CONFIG", "SET", "proto-max-bulk-len", "512mb");
        }
    }

    @Test
    void queryBufferLimitClosesWithoutReply() {
        try (Diff.Pair p = diff.pair()) {
            p.same("CONFIG", "SET", "client-query-buffer-limit", "1mb");
        }
        try (Diff.Pair p = diff.pair()) {
            byte[] payload = new byte[1536 * 1024];
            java.util.Arrays.fill(payload, (byte) 'x');
            ByteArrayOutputStream w = new ByteArrayOutputStream();
            w.writeBytes(b("*3\r\n$3\r\nSET\r\n$1\r\nq\r\n$" + (2 * 1024 * 1024) + "\r\n"));
            w.writeBytes(payload);
            try {
                p.real.send(w.toByteArray());
            } catch (IllegalStateException e) {
                // the server may already have closed
            }
            try {
                p.ours.send(w.toByteArray());
            } catch (IllegalStateException e) {
                // likewise
            }
            p.bothClosed();
        }
        try (Diff.Pair p = diff.pair()) {
            p.same("EXISTS", "q");
            p.same("CONFIG", "SET", "client-query-buffer-limit", "1gb");
        }
    }

    @Test
    void unauthenticatedLimits() {
        try (Diff d = Diff.start("--requirepass", "secret")) {
            for (String raw : new String[] {"*11\r\n", "*1\r\n$16385\r\n", "*1\r\n$4294967296\r\n"}) {
                try (Diff.Pair p = d.pair()) {
                    p.sameRaw(b(raw), 1);
                    p.bothClosed();
                }
            }
            try (Diff.Pair p = d.pair()) {
                p.sameRaw(b("*10\r\n$4\r\nPING\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n"
                        + "$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n"), 1);
                p.sameRaw(b("*1\r\n$16384\r\n" + "x".repeat(16384) + "\r\n"), 1);
                // AUTH takes effect for the very next command of the same write
                p.sameRaw(b("*2\r\n$4\r\nAUTH\r\n$6\r\nsecret\r\n*11\r\n$4\r\nECHO\r\n"), 1);
                p.sameRaw(b("$1\r\na\r\n".repeat(10)), 1);
            }
        }
    }
}
