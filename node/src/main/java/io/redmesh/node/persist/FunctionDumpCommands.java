package io.redmesh.node.persist;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.persist.rdb.DumpPayload;
import io.redmesh.node.script.FunctionLibraries;
import io.redmesh.node.util.RedisException;
import java.util.List;

/**
 * FUNCTION DUMP and FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] (Redis 7.0's functions.c):
 * the libraries in the RDB's function-section format with DUMP's version and CRC-64 footer, so
 * that payloads move between Redis and RedMesh both ways. The rest of FUNCTION is
 * command/family's FunctionCommands.
 */
final class FunctionDumpCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("function|dump", FunctionDumpCommands::dump)
         .bind("function|restore", FunctionDumpCommands::restore);
    }

    private static void dump(CommandContext c) {
        c.reply.bulk(DumpPayload.createFunctions(c.server.functions().codes(), c.server.config.getBool("rdbcompression")));
    }

    /** functionRestoreCommand(). */
    private static void restore(CommandContext c) {
        if (c.argc() > 4) {
            throw RedisException.err("unknown subcommand or wrong number of arguments for '"
                    + c.argString(1) + "'. Try FUNCTION HELP.");
        }
        FunctionLibraries.RestorePolicy policy = FunctionLibraries.RestorePolicy.APPEND;
        if (c.argc() == 4) {
            if (c.argIs(3, "append")) {
                policy = FunctionLibraries.RestorePolicy.APPEND;
            } else if (c.argIs(3, "replace")) {
                policy = FunctionLibraries.RestorePolicy.REPLACE;
            } else if (c.argIs(3, "flush")) {
                policy = FunctionLibraries.RestorePolicy.FLUSH;
            } else {
                throw RedisException.err("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        List<byte[]> codes;
        try {
            codes = DumpPayload.readFunctions(c.arg(2));
        } catch (IllegalArgumentException e) {
            throw RedisException.err(e.getMessage());
        }
        c.server.functions().restore(codes, policy, io.redmesh.node.command.family.FunctionCommands.loadRun(c));
        c.dirty();
        c.reply.ok();
    }
}
