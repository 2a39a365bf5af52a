package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import io.redmesh.node.util.ServerLog;

/**
 * MODULE, for a server that loads no Redis modules: Redis modules are shared objects written
 * against Redis's C module API, which a JVM server cannot host. LIST is empty; LOAD and LOADEX
 * check their arguments as Redis does and fail with Redis's error when a module cannot be loaded
 * (the log line says why); UNLOAD finds no module. The dispatcher lets MODULE through only as
 * enable-module-command allows, as Redis 7 does.
 *
 * <pre>
 * MODULE LIST | LOAD path [arg ...] | LOADEX path [CONFIG name value ...] [ARGS arg ...]
 *        UNLOAD name | HELP
 * </pre>
 */
final class LoadableModuleCommands implements CommandFamily {
    private static final String LOAD_FAILED = "Error loading the extension. Please check the server logs.";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("module|list", c -> c.reply.array(0))
         .bind("module|load", c -> refuseLoad(c.arg(2)))
         .bind("module|loadex", LoadableModuleCommands::loadex)
         .bind("module|unload", c -> {
             throw RedisException.err("Error unloading module: no such module with that name");
         })
         .bind("module|help", c -> Help.reply(c, "MODULE",
                 "LIST",
                 "    Return a list of loaded modules.",
                 "LOAD <path> [<arg> ...]",
                 "    Load a module library from <path>, passing to it any optional arguments.",
                 "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                 "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                 "UNLOAD <name>",
                 "    Unload a module."));
    }

    /** moduleCommand()'s LOADEX argument walk: CONFIG name value pairs, then ARGS and the rest. */
    static void loadex(CommandContext c) {
        for (int i = 3; i < c.argc(); i++) {
            if (c.argIs(i, "CONFIG")) {
                if (i + 2 >= c.argc()) {
                    ServerLog.notice("CONFIG specified without name value pair");
                    throw RedisException.err(LOAD_FAILED);
                }
                i += 2;
            } else if (c.argIs(i, "ARGS")) {
                break;
            } else {
                ServerLog.notice("Syntax Error from arguments to loadex around " + Bytes.latin1(c.arg(i)) + ".");
                throw RedisException.err(LOAD_FAILED);
            }
        }
        refuseLoad(c.arg(2));
    }

    /** moduleLoad() failing at dlopen(), with the reason a JVM server gives. */
    private static void refuseLoad(byte[] path) {
        ServerLog.warning("Module " + Bytes.latin1(path) + " failed to load: RedMesh runs on the JVM and cannot load"
                + " Redis modules (shared objects for Redis's C module API)");
        throw RedisException.err(LOAD_FAILED);
    }
}
