package io.redmesh.node.persist.rdb;

import java.io.IOException;

/**
 * The DUMP/RESTORE serialization of Redis 7.0 (createDumpPayload / verifyDumpPayload): the RDB
 * type byte and value, then the RDB version as 2 bytes little-endian, then the CRC-64 of all that,
 * 8 bytes little-endian.
 */
public final class DumpPayload {
    private DumpPayload() {}

    public static byte[] create(Object value, boolean compress, int listFill, int listCompressDepth) {
        return create(value, compress, listFill, listCompressDepth, RdbValueWriter.DEFAULT_PACKED_THRESHOLD);
    }

    /** With the lists' packed threshold (DEBUG QUICKLIST-PACKED-THRESHOLD) of the node that dumps. */
    public static byte[] create(Object value, boolean compress, int listFill, int listCompressDepth,
            long packedThreshold) {
        RdbOutput o = new RdbOutput(compress);
        RdbValueWriter w = new RdbValueWriter();
        w.packedThreshold(packedThreshold);
        w.listFill(listFill);
        w.compressDepth(listCompressDepth);
        try {
            w.write(o, value);
            return footer(o);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
    }

    /** The RDB version and the CRC-64 of everything before it. */
    private static byte[] footer(RdbOutput o) throws IOException {
        o.writeByte(Rdb.VERSION & 0xff);
        o.writeByte((Rdb.VERSION >>> 8) & 0xff);
        o.writeLongLE(o.crc());
        return o.toByteArray();
    }

    /**
     * FUNCTION DUMP's payload (functionDumpCommand): each library as the RDB's function section
     * writes it (RDB_OPCODE_FUNCTION2, then its code as an RDB string), then the footer.
     */
    public static byte[] createFunctions(java.util.List<byte[]> codes, boolean compress) {
        RdbOutput o = new RdbOutput(compress);
        try {
            for (byte[] code : codes) {
                o.writeType(Rdb.OPCODE_FUNCTION2);
                o.writeString(code);
            }
            return footer(o);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
    }

    /**
     * The library codes of a FUNCTION RESTORE payload (functionRestoreCommand); the exception's
     * message is Redis's error text.
     */
    public static java.util.List<byte[]> readFunctions(byte[] p) {
        if (!verify(p)) {
            throw new IllegalArgumentException("DUMP payload version or checksum are wrong");
        }
        RdbInput in = new RdbInput(p, p.length);
        in.checksum(false);
        java.util.List<byte[]> codes = new java.util.ArrayList<>();
        try {
            while (p.length - in.offset() > 10) {
                int type = in.readByte();
                if (type == Rdb.OPCODE_FUNCTION) {
                    throw new IllegalArgumentException("Pre-GA function format not supported");
                }
                if (type != Rdb.OPCODE_FUNCTION2) {
                    throw new IllegalArgumentException("given type is not a function");
                }
                codes.add(in.readString());
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("Failed loading library payload");
        }
        return codes;
    }

    /** verifyDumpPayload: at least the footer, a version we can read, the right CRC. */
    public static boolean verify(byte[] p) {
        return verify(p, true);
    }

    /** As {@link #verify(byte[])}; without {@code checksum} only the footer and version are checked. */
    public static boolean verify(byte[] p, boolean checksum) {
        if (p.length < 10) {
            return false;
        }
        int footer = p.length - 10;
        int version = (p[footer] & 0xff) | (p[footer + 1] & 0xff) << 8;
        if (version > Rdb.VERSION) {
            return false;
        }
        if (!checksum) {
            return true; // DEBUG SET-SKIP-CHECKSUM-VALIDATION 1
        }
        long crc = Crc64.of(p, 0, p.length - 8);
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (p[p.length - 8 + i] & 0xffL) << (8 * i);
        }
        return crc == stored;
    }

    /**
     * Reads the value of a verified payload; null when it is not a value we can build (Redis's
     * "Bad data format": unknown type, corrupt data, empty collection). As in Redis's
     * restoreCommand, the reader sees the whole payload, footer included: a value whose stated
     * length runs into the version and checksum bytes is read from them, not refused.
     */
    public static Object read(byte[] p, RdbValueReader reader) {
        RdbInput in = new RdbInput(p, p.length);
        in.checksum(false);
        try {
            int type = in.readByte();
            if (!RdbValueReader.isLoadable(type)) {
                return null;
            }
            return reader.read(in, type);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
