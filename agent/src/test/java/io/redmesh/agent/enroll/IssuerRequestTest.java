package io.redmesh.agent.enroll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IssuerRequestTest {
    @Test
    void roundTrips() throws IOException {
        IssuerRequest r = IssuerRequest.of(IssuerRequest.Type.TRUST, "a".getBytes(), new byte[0], new byte[300]);
        IssuerRequest back = IssuerRequest.decode(r.encode());
        assertEquals(IssuerRequest.Type.TRUST, back.type());
        assertEquals(3, back.fields().size());
        assertArrayEquals("a".getBytes(), back.field(0));
        assertEquals(0, back.field(7).length, "absent fields read as empty");
    }

    @Test
    void garbageIsAnIoExceptionWithAReason() {
        byte[] good = IssuerRequest.of(IssuerRequest.Type.ISSUE, new byte[10]).encode();
        assertEquals("not an issuer request",
                assertThrows(IOException.class, () -> IssuerRequest.decode("GET / HTTP/1.1".getBytes())).getMessage());
        assertEquals("truncated issuer request", assertThrows(IOException.class,
                () -> IssuerRequest.decode(java.util.Arrays.copyOf(good, 6))).getMessage());
        byte[] badType = good.clone();
        badType[5] = 9;
        assertEquals("unknown issuer request type 9",
                assertThrows(IOException.class, () -> IssuerRequest.decode(badType)).getMessage());
        byte[] hugeLen = good.clone();
        hugeLen[7] = 0x7f;
        assertEquals("field length out of bounds",
                assertThrows(IOException.class, () -> IssuerRequest.decode(hugeLen)).getMessage());
        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
        assertEquals("trailing bytes", assertThrows(IOException.class, () -> IssuerRequest.decode(trailing)).getMessage());
        Random rnd = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
            try {
                IssuerRequest.decode(b);
            } catch (IOException expected) {
                // only IOExceptions, never anything else
            }
        }
    }
}
