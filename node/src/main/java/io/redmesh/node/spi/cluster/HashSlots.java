package io.redmesh.node.spi.cluster;

/**
 * Redis Cluster's key -> hash slot mapping (keyHashSlot): CRC16-CCITT (XMODEM) of the key, or of
 * its hash tag (the bytes between the first '{' and the next '}', when not empty), mod 16384.
 */
public final class HashSlots {
    public static final int SLOTS = 16384;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xffff;
        }
    }

    private HashSlots() {}

    /** CRC16 (polynomial 0x1021, initial 0) of {@code b[from, to)}. */
    public static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xff]) & 0xffff;
        }
        return crc;
    }

    /** The slot of {@code key}, honouring a non-empty hash tag. */
    public static int slot(byte[] key) {
        int open = -1;
        for (int i = 0; i < key.length; i++) {
            if (key[i] == '{') {
                open = i;
                break;
            }
        }
        if (open >= 0) {
            for (int i = open + 1; i < key.length; i++) {
                if (key[i] == '}') {
                    if (i != open + 1) {
                        return crc16(key, open + 1, i) & (SLOTS - 1);
                    }
                    break;
                }
            }
        }
        return crc16(key, 0, key.length) & (SLOTS - 1);
    }
}
