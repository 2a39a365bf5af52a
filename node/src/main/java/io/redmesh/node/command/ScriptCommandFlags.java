package io.redmesh.node.command;

import io.redmesh.node.script.FunctionLibraries;
import io.redmesh.node.script.LuaFunctionEngine;
import io.redmesh.node.script.ScriptFlags;
import io.redmesh.node.script.ScriptingEngine;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;

/**
 * Redis 7.0's getCommandFlags() for scripts: before EVAL (with a shebang) or FCALL runs,
 * processCommand() checks it with the flags the script or function declared (-READONLY on a
 * replica, -MASTERDOWN unless allow-stale, -OOM unless allow-oom, -NOREPLICAS, -MISCONF), not
 * with the command's own. A script without a shebang, an unknown SHA or function keeps the
 * command's flags (the command itself then answers).
 */
final class ScriptCommandFlags {
    private ScriptCommandFlags() {}

    /** A request that only the stale-data gate can refuse (a read that may not run on stale data). */
    static final io.redmesh.node.spi.RequestGate.GatedRequest STALE_PROBE = new io.redmesh.node.spi.RequestGate.GatedRequest() {
        @Override
        public String command() {
            return "eval";
        }

        @Override
        public boolean write() {
            return false;
        }

        @Override
        public boolean staleAllowed() {
            return false;
        }

        @Override
        public boolean loadingAllowed() {
            return true;
        }

        @Override
        public boolean mayReplicate() {
            return false;
        }

        @Override
        public boolean fromMaster() {
            return false;
        }

        @Override
        public boolean endsOrControlsTransaction() {
            return false;
        }
    };

    /** The command to check the request with: {@code cmd}, or its variant with the script's flags. */
    static CommandSpec effective(ServerContext server, CommandSpec cmd, byte[][] argv) {
        char first = cmd.fullName.charAt(0);
        if ((first != 'e' && first != 'f') || argv.length < 2) {
            return cmd;
        }
        int flags;
        switch (cmd.fullName) {
            case "fcall", "fcall_ro" -> {
                FunctionLibraries libraries = server.functionsIfMade();
                LuaFunctionEngine.Function f = libraries == null ? null : libraries.function(Bytes.latin1(argv[1]));
                if (f == null) {
                    return cmd;
                }
                flags = f.flags();
            }
            case "eval", "eval_ro" -> {
                byte[] body = argv[1];
                if (body.length < 2 || body[0] != '#' || body[1] != '!') {
                    return cmd;
                }
                try {
                    flags = ScriptFlags.parse(body);
                } catch (RedisException e) {
                    return cmd; // EVAL answers the shebang's error
                }
            }
            case "evalsha", "evalsha_ro" -> {
                ScriptingEngine engine = server.scriptingIfMade();
                ScriptingEngine.Script script = engine == null || argv[1].length != 40 ? null
                        : engine.lookup(Bytes.latin1(argv[1]));
                if (script == null) {
                    return cmd;
                }
                flags = script.flags();
            }
            default -> {
                return cmd;
            }
        }
        return (flags & ScriptFlags.EVAL_COMPAT) != 0 ? cmd : cmd.declaredByScript(flags);
    }
}
