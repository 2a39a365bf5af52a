package io.redmesh.node.command;

import io.netty.buffer.ByteBuf;
import io.redmesh.node.script.CommandRunner;
import io.redmesh.node.script.ScriptFlags;
import io.redmesh.node.script.ScriptRun;
import io.redmesh.node.util.Bytes;
import java.util.Locale;

/**
 * redis.call() on the server side: Redis 7.0's scriptCall(). The command is looked up, checked
 * in 7.0's order (arity, noscript, ACL as the caller with ACL LOG context "lua", write commands
 * in read-only scripts, replica and disk-error refusals, OOM before the first write) and then
 * run by {@link Dispatcher#call} on the script's own client (Redis's lua_client: the caller's
 * user, its own database after SELECT, the protocol redis.setresp chose), so statistics,
 * keyspace events, blocking hand-offs and the write stream (wrapped with the script's other
 * writes in MULTI/EXEC) are those of any command.
 */
public final class ScriptCalls implements CommandRunner {
    private final ServerContext server;
    private Session client;
    private ScriptRun clientRun;

    public ScriptCalls(ServerContext server) {
        this.server = server;
    }

    private static Session caller(ScriptRun run) {
        return (Session) run.caller;
    }

    private Session client(ScriptRun run) {
        if (client == null) {
            client = new Session(0, server, new DetachedTransport("lua"));
            client.name = Bytes.of("lua");
        }
        if (clientRun != run) {
            clientRun = run; // a new script starts in its caller's database
            client.db = caller(run).db;
        }
        client.user = caller(run).user;
        client.authenticated = true;
        client.aclUnrestricted = caller(run).aclUnrestricted;
        client.aclEpoch = caller(run).aclEpoch;
        client.master = caller(run).master;
        return client;
    }

    private CommandSpec lookup(byte[][] argv) {
        CommandSpec cmd = server.table().get(Bytes.latin1(argv[0]).toLowerCase(Locale.ROOT));
        if (cmd != null && cmd.isContainer() && argv.length >= 2) {
            CommandSpec sub = cmd.subcommand(Bytes.latin1(argv[1]).toLowerCase(Locale.ROOT));
            return sub;
        }
        return cmd;
    }

    @Override
    public byte[] call(ScriptRun run, byte[][] argv, int resp) {
        Session c = client(run);
        CommandSpec cmd = lookup(argv);
        if (cmd == null || cmd.handler == null) {
            throw new Refused("Unknown Redis command called from script");
        }
        if (!cmd.arityOk(argv.length)) {
            throw new Refused("Wrong number of args calling Redis command from script");
        }
        if (cmd.has(CommandFlag.NOSCRIPT)) {
            throw new Refused("This Redis command is not allowed from script");
        }
        if (!cmd.has(CommandFlag.STALE) && server.dispatcher().runningStale(caller(run))) {
            throw new Refused("Can not execute the command on a stale replica"); // scriptVerifyAllowStale()
        }
        String denied = server.accessControl().scriptCheck(caller(run), cmd, argv); // ACL LOG names the caller
        if (denied != null) {
            throw new Refused(denied);
        }
        if (cmd.has(CommandFlag.WRITE)) {
            if (run.readOnly()) {
                throw new Refused("Write commands are not allowed from read-only scripts.");
            }
            String refused = server.dispatcher().scriptWriteRefusal(c, cmd, argv);
            if (refused != null) {
                throw new Refused("-" + refused);
            }
        }
        if (!run.has(ScriptFlags.ALLOW_OOM) && server.maxmemory > 0 && !caller(run).master && !run.wroteData()
                && run.startedOutOfMemory() && cmd.has(CommandFlag.DENYOOM)) {
            throw new Refused("-OOM command not allowed when used memory > 'maxmemory'.");
        }
        if (cmd.has(CommandFlag.WRITE)) {
            run.markWrite();
        }
        c.reply.protocol(resp);
        // redis.set_repl: REPL_NONE keeps the write off replicas and the AOF (one stream feeds
        // both here, so REPL_AOF or REPL_REPLICA alone propagate to both)
        c.propagationOff = run.replicationFlags() == io.redmesh.node.script.ScriptingEngine.REPL_NONE;
        ByteBuf out = c.reply.target();
        out.clear();
        server.dispatcher().call(c, cmd, argv, false);
        byte[] reply = new byte[out.readableBytes()];
        out.readBytes(reply);
        out.clear();
        return reply;
    }

    @Override
    public Boolean aclAllows(ScriptRun run, byte[][] argv) {
        CommandSpec cmd = lookup(argv);
        if (cmd == null || !cmd.arityOk(argv.length)) {
            return null;
        }
        return server.accessControl().allows(client(run), cmd, argv);
    }
}
