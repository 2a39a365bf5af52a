package io.redmesh.node.persist.aof;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.util.RedisException;
import java.io.IOException;

/**
 * BGREWRITEAOF: rewrites the AOF as its shortest form (a new base file) while writes go on.
 *
 * <pre>
 * BGREWRITEAOF
 * +Background append only file rewriting started
 * -ERR Background append only file rewriting already in progress
 * </pre>
 */
public final class AofCommands implements CommandFamily {
    private final AppendOnlyFile aof;

    public AofCommands(AppendOnlyFile aof) {
        this.aof = aof;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("bgrewriteaof", this::bgrewriteaof);
    }

    private void bgrewriteaof(CommandContext c) {
        AofRewriter rw = aof.rewriter();
        if (rw.inProgress()) {
            throw RedisException.err("Background append only file rewriting already in progress");
        }
        try {
            if (!rw.start()) {
                c.reply.simple("Background append only file rewriting scheduled");
                return;
            }
        } catch (IOException | RuntimeException e) {
            throw RedisException.err("Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        c.reply.simple("Background append only file rewriting started");
    }
}
