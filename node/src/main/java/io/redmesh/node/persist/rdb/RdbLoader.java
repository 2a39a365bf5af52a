package io.redmesh.node.persist.rdb;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.Keyspace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads an RDB file (versions 1..10 as Redis 2.x..7.0 write them) into a keyspace, as Redis's
 * rdbLoadRio does for a master: keys already expired are dropped, empty collections skipped, the
 * CRC-64 verified (unless the file was written without one or {@code rdbchecksum no}). Function
 * libraries are returned in the result for the caller to create. Module data and the pre-release
 * function format are refused (as Redis 7.0 refuses the latter): starting without them would
 * lose data silently. Every error names the file, the offset and what is wrong.
 */
public final class RdbLoader {
    /** Where loaded keys go (the keyspace, or an AOF loader reading an RDB preamble). */
    public interface KeyTarget {
        /** @return false when the key already exists (a corrupt file) */
        boolean key(int db, byte[] key, Object value, long expireAt, long lfuFreq, long idleSeconds);

        /** RESIZEDB: the database's key counts, to size tables up front. */
        default void resize(int db, long keys, long expires) {}
    }

    /** What a load found. */
    public static final class Result {
        public int version;
        public long keysLoaded;
        public long keysExpired;
        public long emptyKeysSkipped;
        /** Aux fields (redis-ver, ctime, repl-id, repl-offset, aof-base, ...), as strings. */
        public final Map<String, String> aux = new LinkedHashMap<>();
        public boolean checksumVerified;
        /**
         * Bytes the loader read from the stream past the RDB's end (after its checksum): an AOF
         * with an RDB preamble continues with these, then the rest of the stream.
         */
        public byte[] trailing = new byte[0];
        /** The function libraries' payloads (RDB_OPCODE_FUNCTION2), in file order, for the caller to create. */
        public final java.util.List<byte[]> functions = new java.util.ArrayList<>();
    }

    /** The file cannot be loaded; the message names the file and the problem. */
    public static final class LoadException extends Exception {
        public LoadException(String message) {
            super(message);
        }
    }

    private final RdbValueReader reader;
    private boolean verifyChecksum = true;
    private long now = System.currentTimeMillis();
    private boolean dropExpired = true;
    private int databases = 16;

    public RdbLoader(RdbValueReader reader) {
        this.reader = reader;
    }

    public RdbLoader verifyChecksum(boolean v) {
        verifyChecksum = v;
        return this;
    }

    public RdbLoader now(long millis) {
        now = millis;
        return this;
    }

    /** A master drops keys already expired; a replica keeps them. */
    public RdbLoader dropExpired(boolean v) {
        dropExpired = v;
        return this;
    }

    /** Loads into every database of {@code ks} (SELECTDB beyond its count is an error). */
    public Result load(InputStream stream, String name, Keyspace ks) throws LoadException {
        databases = ks.count();
        return load(stream, name, new KeyTarget() {
            @Override
            public boolean key(int db, byte[] key, Object value, long expireAt, long freq, long idle) {
                Database d = ks.db(db);
                DictEntry e = d.addIfAbsent(key, value);
                if (e == null) {
                    return false;
                }
                if (expireAt != 0) {
                    d.setExpire(e, expireAt);
                }
                ks.setLruOrLfu(e, freq, idle);
                return true;
            }

            @Override
            public void resize(int db, long keys, long expires) {
                // Capped: a corrupt count must not allocate gigabytes; past it tables grow as usual.
                ks.db(db).dict().expand(Math.min(keys, 1L << 24));
                ks.db(db).volatileDict().expand(Math.min(expires, 1L << 24));
            }
        });
    }

    public RdbLoader databases(int n) {
        databases = n;
        return this;
    }

    public Result load(InputStream stream, String name, KeyTarget target) throws LoadException {
        RdbInput in = new RdbInput(stream, 1 << 20);
        try {
            return run(in, target);
        } catch (RdbInput.ShortReadException e) {
            throw new LoadException("Short read loading RDB file " + name + " at offset " + in.offset()
                    + ": the file is truncated");
        } catch (RdbFormatException e) {
            throw new LoadException("Bad RDB file " + name + " at offset " + in.offset() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new LoadException("Error reading RDB file " + name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // A value constructor rejecting the data (it would be a bug in the checks above).
            throw new LoadException("Bad RDB file " + name + " at offset " + in.offset() + ": " + e);
        }
    }

    private Result run(RdbInput in, KeyTarget target) throws IOException {
        Result r = new Result();
        byte[] magic = in.readBytes(9);
        String m = new String(magic, StandardCharsets.ISO_8859_1);
        if (!m.startsWith("REDIS")) {
            throw new RdbFormatException("wrong signature trying to load DB from file");
        }
        int version;
        try {
            version = Integer.parseInt(m.substring(5));
        } catch (NumberFormatException e) {
            throw new RdbFormatException("wrong signature trying to load DB from file");
        }
        if (version < 1 || version > Rdb.VERSION) {
            throw new RdbFormatException("can't handle RDB format version " + version);
        }
        r.version = version;
        int db = 0;
        long expireAt = 0;
        long freq = -1;
        long idle = -1;
        while (true) {
            long typeOffset = in.offset();
            int type = in.readByte();
            switch (type) {
                case Rdb.OPCODE_EXPIRETIME:
                    expireAt = (in.readIntLE() & 0xffffffffL) * 1000;
                    continue;
                case Rdb.OPCODE_EXPIRETIME_MS:
                    expireAt = in.readLongLE();
                    continue;
                case Rdb.OPCODE_FREQ:
                    freq = in.readByte();
                    continue;
                case Rdb.OPCODE_IDLE:
                    idle = in.readPlainLen();
                    continue;
                case Rdb.OPCODE_EOF:
                    break;
                case Rdb.OPCODE_SELECTDB: {
                    long n = in.readPlainLen();
                    if (n >= databases) {
                        throw new RdbFormatException("the file uses database " + n
                                + " but this server is configured with " + databases + " databases");
                    }
                    db = (int) n;
                    continue;
                }
                case Rdb.OPCODE_RESIZEDB: {
                    long keys = in.readPlainLen();
                    long expires = in.readPlainLen();
                    target.resize(db, keys, expires);
                    continue;
                }
                case Rdb.OPCODE_AUX: {
                    byte[] k = in.readString();
                    byte[] v = in.readString();
                    r.aux.put(new String(k, StandardCharsets.ISO_8859_1), new String(v, StandardCharsets.ISO_8859_1));
                    continue;
                }
                case Rdb.OPCODE_MODULE_AUX:
                    throw new RdbFormatException("module auxiliary data (type " + type + " at offset " + typeOffset
                            + ") needs a module this server does not have");
                case Rdb.OPCODE_FUNCTION:
                    throw new RdbFormatException("Pre-release function format not supported (opcode " + type
                            + " at offset " + typeOffset + ")");
                case Rdb.OPCODE_FUNCTION2:
                    r.functions.add(in.readString());
                    continue;
                default: {
                    if (!RdbValueReader.isLoadable(type)) {
                        throw new RdbFormatException("unsupported " + Rdb.typeName(type) + " value type " + type
                                + " at offset " + typeOffset);
                    }
                    byte[] key = in.readString();
                    Object value = reader.read(in, type);
                    long exp = expireAt;
                    long f = freq;
                    long i = idle;
                    expireAt = 0;
                    freq = -1;
                    idle = -1;
                    if (value == null) {
                        r.emptyKeysSkipped++;
                        continue;
                    }
                    if (dropExpired && exp != 0 && exp < now) {
                        r.keysExpired++;
                        continue;
                    }
                    if (!target.key(db, key, value, exp, f, i)) {
                        throw new RdbFormatException("duplicated key '" + new String(key, StandardCharsets.ISO_8859_1)
                                + "' in DB " + db);
                    }
                    r.keysLoaded++;
                    continue;
                }
            }
            break; // EOF
        }
        if (version >= 5) {
            long computed = in.crc();
            long stored = in.readLongLE();
            if (verifyChecksum && stored != 0) {
                if (stored != computed) {
                    throw new RdbFormatException(String.format(
                            "wrong RDB checksum, expected %016x but the data gives %016x", stored, computed));
                }
                r.checksumVerified = true;
            }
        }
        r.trailing = in.readAhead();
        return r;
    }
}
