package io.redmesh.node.persist.rdb;

import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.db.EvictionPolicy;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.persist.io.DiskFiles;
import io.redmesh.node.persist.seal.FileKind;
import io.redmesh.node.util.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The RDB file of a server: where it lives ({@code dir}/{@code dbfilename}), writing it crash-safe
 * (temp-&lt;pid&gt;.rdb, fsync, atomic rename, all through {@link DiskFiles}) and loading it at start.
 */
public final class RdbFiles {
    private RdbFiles() {}

    /** {@code dir}/{@code dbfilename}. */
    public static Path rdbPath(ServerConfig cfg) {
        return Path.of(cfg.getString("dir")).resolve(cfg.getString("dbfilename"));
    }

    /** The temp file SAVE writes before the rename (Redis's "temp-%d.rdb" with its pid). */
    public static Path tempPath(ServerConfig cfg, long pid) {
        return Path.of(cfg.getString("dir")).resolve("temp-" + pid + ".rdb");
    }

    /** Writer options from the configuration and keyspace as they are now. */
    public static RdbWriter.Options options(ServerConfig cfg, Keyspace ks) {
        RdbWriter.Options o = new RdbWriter.Options();
        o.compression = cfg.getBool("rdbcompression");
        o.checksum = cfg.getBool("rdbchecksum");
        o.listFill = (int) cfg.getLong("list-max-listpack-size");
        o.listCompressDepth = cfg.getInt("list-compress-depth");
        o.listPackedThreshold = ks.listPackedThreshold();
        o.usedMemory = ks.usedBytes();
        EvictionPolicy p = ks.policy();
        o.lfu = p.lfu();
        o.lru = p == EvictionPolicy.ALLKEYS_LRU || p == EvictionPolicy.VOLATILE_LRU;
        o.idleSeconds = ks::idleSeconds;
        o.frequency = ks::frequency;
        return o;
    }

    /**
     * Loads {@code dir}/{@code dbfilename} into the (empty) keyspace at start-up. A missing file
     * is an empty start; an unreadable or corrupt one throws with a message naming it.
     *
     * @return the result, or null when there is no file
     */
    public static RdbLoader.Result loadAtStart(ServerConfig cfg, Keyspace ks, DiskFiles files, boolean verifyChecksum)
            throws RdbLoader.LoadException {
        Path file = rdbPath(cfg);
        if (!Files.exists(file)) {
            return null;
        }
        long start = System.nanoTime();
        RdbLoader.Result r;
        try (InputStream in = files.open(file, FileKind.RDB)) {
            r = new RdbLoader(RdbValueReader.from(cfg)).verifyChecksum(verifyChecksum)
                    .load(in, file.toString(), ks);
        } catch (IOException e) {
            throw new RdbLoader.LoadException("Error opening RDB file " + file + ": " + e.getMessage());
        } catch (RdbLoader.LoadException e) {
            for (int i = 0; i < ks.count(); i++) {
                ks.db(i).clear(); // never half a dataset
            }
            throw e;
        }
        String ver = r.aux.get("redis-ver");
        if (ver != null) {
            ServerLog.notice("Loading RDB produced by version " + ver);
        }
        String ctime = r.aux.get("ctime");
        if (ctime != null && ctime.matches("-?\\d+")) {
            long age = System.currentTimeMillis() / 1000 - Long.parseLong(ctime);
            ServerLog.notice("RDB age " + Math.max(0, age) + " seconds");
        }
        ServerLog.notice(String.format("Done loading RDB, keys loaded: %d, keys expired: %d.", r.keysLoaded,
                r.keysExpired));
        ServerLog.notice(String.format("DB loaded from disk: %.3f seconds", (System.nanoTime() - start) / 1e9));
        return r;
    }
}
