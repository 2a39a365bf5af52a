package io.redmesh.node.persist.rdb;

import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.SnapshotSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes an RDB version 10 file exactly as Redis 7.0's rdbSaveRio does: magic "REDIS0010", the
 * aux fields, the function libraries, then per non-empty database SELECTDB + RESIZEDB and its keys (EXPIRETIME_MS,
 * IDLE or FREQ under an LRU/LFU maxmemory-policy, type, key, value), EOF and the CRC-64.
 *
 * <p>As a {@link SnapshotSink} it accepts entries of different databases interleaved (the
 * fork-less snapshot hands over keys a writer is about to change ahead of its walk): the database
 * being streamed is written straight through; others are serialized into memory and spliced in
 * as one section when the streamed database is complete (known from {@code begin}'s counts), so
 * each database appears once, as in a Redis file.
 */
public final class RdbWriter implements SnapshotSink {
    /** What the aux fields and per-key metadata say; read once at the snapshot instant. */
    public static final class Options {
        public String redisVersion = "7.0.15";
        public long ctimeSeconds = System.currentTimeMillis() / 1000;
        public long usedMemory;
        /** Replication info (rdbPopulateSaveInfo): written only when replId is non-null. */
        public String replId;
        public long replOffset;
        public int replStreamDb;
        public boolean aofBase;
        public boolean compression = true;
        public boolean checksum = true;
        public int listFill = -2;
        public int listCompressDepth;
        /** Lists' elements this long or longer are saved as plain nodes (DEBUG QUICKLIST-PACKED-THRESHOLD). */
        public long listPackedThreshold = RdbValueWriter.DEFAULT_PACKED_THRESHOLD;
        /** maxmemory-policy is an LRU one: write IDLE (seconds) per key. */
        public boolean lru;
        /** maxmemory-policy is an LFU one: write FREQ per key. */
        public boolean lfu;
        /** Per-key idle seconds / LFU counter from the key's clock. */
        public java.util.function.ToLongFunction<DictEntry> idleSeconds = e -> 0;
        public java.util.function.ToIntFunction<DictEntry> frequency = e -> 0;
        /** The function libraries' payloads (rdbSaveFunctions), read at the snapshot instant. */
        public java.util.List<byte[]> functions = java.util.List.of();
    }

    private static final int BUFFER = 1 << 20;

    private final Options opt;
    private final RdbOutput out;
    private final RdbValueWriter values = new RdbValueWriter();
    private long[] keys = new long[0];
    private long[] volatileKeys = new long[0];
    /** Entries received per database. */
    private long[] seen = new long[0];
    /** Sections of databases not being streamed, serialized in memory (null: none yet). */
    private RdbOutput[] pending = new RdbOutput[0];
    /** Databases whose section has been written (streamed or spliced). */
    private boolean[] done = new boolean[0];
    /** The database being streamed, or -1. */
    private int current = -1;
    private boolean headerWritten;

    public RdbWriter(OutputStream stream, Options opt) {
        this.opt = opt;
        this.out = new RdbOutput(stream, opt.compression, BUFFER);
        values.listFill(opt.listFill);
        values.compressDepth(opt.listCompressDepth);
        values.packedThreshold(opt.listPackedThreshold);
    }

    /** Bytes produced so far. */
    public long written() {
        return out.written();
    }

    // ------------------------------------------------------------------ SnapshotSink

    @Override
    public void begin(long[] keys, long[] volatileKeys) throws IOException {
        this.keys = keys.clone();
        this.volatileKeys = volatileKeys.clone();
        int n = keys.length;
        seen = new long[n];
        pending = new RdbOutput[n];
        done = new boolean[n];
        writeHeader();
    }

    @Override
    public void entry(int db, DictEntry e) throws IOException {
        if (current == -1 && !done[db]) {
            if (pending[db] != null) {
                splice(db);
                done[db] = false;
            } else {
                openSection(out, db);
            }
            current = db;
        }
        if (db == current) {
            writeEntry(out, e);
        } else {
            RdbOutput p = pending[db];
            if (p == null) {
                p = pending[db] = new RdbOutput(opt.compression);
                openSection(p, db);
            }
            writeEntry(p, e);
        }
        seen[db]++;
        if (db == current && seen[db] >= keys[db]) {
            done[db] = true;
            current = -1;
            spliceNextPending();
        }
    }

    @Override
    public void end() throws IOException {
        for (int db = 0; db < pending.length; db++) {
            if (pending[db] != null) {
                splice(db);
            }
        }
        out.writeType(Rdb.OPCODE_EOF);
        long crc = opt.checksum ? out.crc() : 0;
        out.writeLongLE(crc);
        out.flush();
    }

    // ------------------------------------------------------------------ sections

    /**
     * After the streamed database completed: buffered databases that are complete go to the file;
     * then the first incomplete one is spliced and streams from here on.
     */
    private void spliceNextPending() throws IOException {
        for (int db = 0; db < pending.length; db++) {
            if (pending[db] != null && seen[db] >= keys[db]) {
                splice(db);
            }
        }
        for (int db = 0; db < pending.length; db++) {
            if (pending[db] != null) {
                splice(db);
                done[db] = false;
                current = db;
                return;
            }
        }
    }

    private void splice(int db) throws IOException {
        RdbOutput p = pending[db];
        pending[db] = null;
        out.write(p.rawBuffer(), 0, p.rawSize());
        done[db] = true;
    }

    private void openSection(RdbOutput o, int db) throws IOException {
        o.writeType(Rdb.OPCODE_SELECTDB);
        o.writeLen(db);
        o.writeType(Rdb.OPCODE_RESIZEDB);
        o.writeLen(keys[db]);
        o.writeLen(volatileKeys[db]);
    }

    private void writeEntry(RdbOutput o, DictEntry e) throws IOException {
        if (e.expireAt != 0) {
            o.writeType(Rdb.OPCODE_EXPIRETIME_MS);
            o.writeLongLE(e.expireAt);
        }
        if (opt.lru) {
            o.writeType(Rdb.OPCODE_IDLE);
            o.writeLen(opt.idleSeconds.applyAsLong(e));
        } else if (opt.lfu) {
            o.writeType(Rdb.OPCODE_FREQ);
            o.writeByte(opt.frequency.applyAsInt(e));
        }
        int type = RdbValueWriter.typeOf(e.value);
        // rdbSaveKeyValuePair: type, key, value. RdbValueWriter writes the type itself, so the
        // key goes in between by hand here.
        o.writeType(type);
        o.writeString(e.key);
        values.writeBody(o, e.value, type);
    }

    // ------------------------------------------------------------------ header

    private void writeHeader() throws IOException {
        if (headerWritten) {
            return;
        }
        headerWritten = true;
        byte[] magic = String.format("REDIS%04d", Rdb.VERSION).getBytes(StandardCharsets.ISO_8859_1);
        out.write(magic, 0, magic.length);
        aux("redis-ver", opt.redisVersion);
        aux("redis-bits", 64);
        aux("ctime", opt.ctimeSeconds);
        aux("used-mem", opt.usedMemory);
        if (opt.replId != null) {
            aux("repl-stream-db", opt.replStreamDb);
            aux("repl-id", opt.replId);
            aux("repl-offset", opt.replOffset);
        }
        aux("aof-base", opt.aofBase ? 1 : 0);
        for (byte[] code : opt.functions) { // rdbSaveFunctions(): after the aux fields, before the data
            out.writeType(Rdb.OPCODE_FUNCTION2);
            out.writeString(code);
        }
    }

    private void aux(String key, String value) throws IOException {
        out.writeType(Rdb.OPCODE_AUX);
        out.writeString(key.getBytes(StandardCharsets.ISO_8859_1));
        out.writeString(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** rdbSaveAuxFieldStrInt: the number as a string (so int-encoded when it fits 32 bits). */
    private void aux(String key, long value) throws IOException {
        aux(key, Long.toString(value));
    }
}
