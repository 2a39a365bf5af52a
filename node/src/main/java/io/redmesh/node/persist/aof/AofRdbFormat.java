package io.redmesh.node.persist.aof;

import io.redmesh.node.command.ServerContext;
import io.redmesh.node.db.SnapshotSink;
import io.redmesh.node.persist.rdb.RdbFiles;
import io.redmesh.node.persist.rdb.RdbLoader;
import io.redmesh.node.persist.rdb.RdbValueReader;
import io.redmesh.node.persist.rdb.RdbWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The RDB side of the AOF: a base file in RDB format (aof-use-rdb-preamble yes), written by the
 * RDB writer with the aux field aof-base 1, and loaded as Redis loads an AOF preamble (keys with
 * a past TTL are kept: the incr files that follow may still touch them, and expiry removes them).
 */
final class AofRdbFormat implements AppendOnlyFile.RdbFormat {
    private final ServerContext server;

    AofRdbFormat(ServerContext server) {
        this.server = server;
    }

    @Override
    public SnapshotSink writer(OutputStream out) {
        RdbWriter.Options o = RdbFiles.options(server.config, server.keyspace);
        o.aofBase = true;
        o.functions = server.functionCodes();
        return new RdbWriter(out, o);
    }

    @Override
    public byte[] load(InputStream in, String name, ServerContext server) throws IOException {
        try {
            RdbLoader.Result r = new RdbLoader(RdbValueReader.from(server.config)).dropExpired(false)
                    .verifyChecksum(server.verifyRdbChecksums()).load(in, name, server.keyspace);
            server.installFunctions(r.functions);
            return r.trailing;
        } catch (io.redmesh.node.util.RedisException e) {
            throw new IOException("Failed loading the function libraries of " + name + ": " + e.getMessage(), e);
        } catch (RdbLoader.LoadException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
