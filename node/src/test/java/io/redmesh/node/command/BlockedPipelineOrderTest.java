package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A client pipelines many requests behind a BLPOP and keeps sending while it is blocked; another
 * client, on another I/O thread, serves it (or CLIENT UNBLOCKs it) while the first connection's
 * thread is still queueing the pipeline. Every request must run, and reply, in the order sent.
 * (Both orders used to break: requests decoded after the unblock jumped the queue, and the
 * served reply arrived after replies of later requests.)
 */
class BlockedPipelineOrderTest {
    private static final int PIPELINED = 2000;
    private static final int LATER = 300;

    @Test
    void requestsBehindABlockedOneKeepTheirOrder() throws Exception {
        try (ServerFixture s = ServerFixture.start("--io-threads", "4")) {
            for (int round = 0; round < 6; round++) {
                boolean unblock = round % 3 == 2;
                try (RespClient a = s.client(); RespClient w = s.client()) {
                    w.call("DEL", "log", "k");
                    String id = a.callString("CLIENT", "ID").substring(1).trim();
                    ByteArrayOutputStream pipe = new ByteArrayOutputStream();
                    pipe.writeBytes(RespClient.encode(RespClient.args("BLPOP", "k", "0")));
                    for (int i = 0; i < PIPELINED; i++) {
                        pipe.writeBytes(RespClient.encode(RespClient.args("RPUSH", "log", Integer.toString(i))));
                    }
                    Thread later = new Thread(() -> {
                        a.send(pipe.toByteArray());
                        for (int i = PIPELINED; i < PIPELINED + LATER; i++) {
                            a.send(RespClient.encode(RespClient.args("RPUSH", "log", Integer.toString(i))));
                        }
                    });
                    later.start();
                    long deadline = System.currentTimeMillis() + 5000;
                    while (s.context().blocking.blockedClients() == 0 && System.currentTimeMillis() < deadline) {
                        Thread.onSpinWait();
                    }
                    if (unblock) {
                        w.call("CLIENT", "UNBLOCK", id);
                    } else {
                        w.call("RPUSH", "k", "x");
                    }
                    later.join();
                    String first = a.readReplyString();
                    assertEquals(unblock ? "*-1\r\n" : "*2\r\n$1\r\nk\r\n$1\r\nx\r\n", first, "round " + round);
                    for (int i = 0; i < PIPELINED + LATER; i++) {
                        assertEquals(":" + (i + 1) + "\r\n", a.readReplyString(), "round " + round + " reply " + i);
                    }
                    String log = w.callString("LRANGE", "log", "0", "-1");
                    StringBuilder expected = new StringBuilder("*" + (PIPELINED + LATER) + "\r\n");
                    for (int i = 0; i < PIPELINED + LATER; i++) {
                        String v = Integer.toString(i);
                        expected.append('$').append(v.length()).append("\r\n").append(v).append("\r\n");
                    }
                    assertTrue(expected.toString().equals(log), "round " + round + ": commands ran out of order");
                }
            }
        }
    }
}
