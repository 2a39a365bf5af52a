package io.redmesh.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void setGetOverTheWire() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            assertEquals("+PONG\r\n", c.callString("PING"));
            assertEquals("+OK\r\n", c.callString("SET", "k", "v"));
            assertEquals("$1\r\nv\r\n", c.callString("GET", "k"));
            assertEquals("-ERR unknown command 'NOPE', with args beginning with: 'a' \r\n", c.callString("NOPE", "a"));
        }
    }
}
