package io.redmesh.node.testing;

import io.redmesh.node.persist.rdb.Crc64;
import java.util.Arrays;

/** DUMP payloads made by hand for RESTORE tests. */
public final class DumpPayloads {
    private DumpPayloads() {}

    /**
     * A payload of {@code body} (RDB type byte and value): RDB version 10 and a valid CRC-64 of
     * both appended, so RESTORE judges the body itself.
     */
    public static byte[] withFooter(byte[] body) {
        byte[] p = Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        long crc = Crc64.of(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }
}
