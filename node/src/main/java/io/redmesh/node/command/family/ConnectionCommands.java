package io.redmesh.node.command.family;

import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.resp.Reply;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;

/**
 * Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET.
 *
 * <pre>
 * PING [message]            ECHO message          QUIT
 * SELECT index              AUTH [username] password
 * HELLO [protover [AUTH username password] [SETNAME clientname]]
 * RESET
 * </pre>
 */
final class ConnectionCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("ping", ConnectionCommands::ping)
         .bind("echo", c -> c.reply.bulk(c.arg(1)))
         .bind("quit", ConnectionCommands::quit)
         .bind("select", ConnectionCommands::select)
         .bind("auth", ConnectionCommands::auth)
         .bind("hello", ConnectionCommands::hello)
         .bind("reset", ConnectionCommands::reset);
    }

    /** PING [message]: in RESP2 subscribed context the reply is a ["pong", message] array. */
    static void ping(CommandContext c) {
        if (c.argc() > 2) {
            throw Errors.wrongArity("ping");
        }
        Session s = c.session;
        if (s.isSubscriber() && s.protocol() == 2) {
            c.reply.array(2);
            c.reply.bulk("pong");
            c.reply.bulk(c.argc() == 2 ? c.arg(1) : Bytes.EMPTY);
            return;
        }
        if (c.argc() == 2) {
            c.reply.bulk(c.arg(1));
        } else {
            c.reply.simple("PONG");
        }
    }

    static void quit(CommandContext c) {
        c.reply.ok();
        c.session.closeAfterReply = true;
    }

    static void select(CommandContext c) {
        int idx = c.argInt(1);
        if (idx != 0 && c.server.config.getBool("cluster-enabled")) {
            throw RedisException.err("SELECT is not allowed in cluster mode");
        }
        if (idx < 0 || idx >= c.server.keyspace.count()) {
            throw new RedisException(Errors.DB_INDEX_OUT_OF_RANGE);
        }
        c.session.select(idx);
        c.reply.ok();
    }

    /**
     * AUTH [username] password: the one-argument form is the default user's password and is an
     * error while the default user is nopass. Passwords are redacted from SLOWLOG and MONITOR.
     */
    static void auth(CommandContext c) {
        // Every argument, before anything can fail: a malformed AUTH still holds a password
        // (7.0.15 checks the count first and lets "AUTH user pass extra" reach SLOWLOG/MONITOR).
        for (int i = 1; i < c.argc(); i++) {
            c.redact(i);
        }
        if (c.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        byte[] user;
        byte[] pass;
        if (c.argc() == 2) {
            if (c.server.defaultUserNoPass()) {
                throw RedisException.err("AUTH <password> called without any password configured for the default "
                        + "user. Are you sure your configuration is correct?");
            }
            user = DEFAULT_USER;
            pass = c.arg(1);
        } else {
            user = c.arg(1);
            pass = c.arg(2);
        }
        authenticate(c, user, pass);
        c.reply.ok();
    }

    private static final byte[] DEFAULT_USER = Bytes.of("default");

    /** ACLAuthenticateUser() for AUTH and HELLO: throws WRONGPASS (after the ACL LOG entry). */
    static void authenticate(CommandContext c, byte[] user, byte[] pass) {
        if (!c.server.accessControl().authenticate(c.session, user, pass, c.arg(0))) {
            throw new RedisException(Errors.WRONGPASS);
        }
    }

    /**
     * HELLO [protover [AUTH user pass] [SETNAME name]]: switches protocol, authenticates and names
     * the connection, then replies with the server's properties as a map.
     */
    static void hello(CommandContext c) {
        Session s = c.session;
        int ver = 0;
        int next = 1;
        if (c.argc() >= 2) {
            Long v = Bytes.parseLongOrNull(c.arg(1));
            if (v == null) {
                throw RedisException.err("Protocol version is not an integer or out of range");
            }
            next = 2;
            if (v < 2 || v > 3) {
                throw new RedisException("NOPROTO unsupported protocol version");
            }
            ver = v.intValue();
        }
        // Options act as they are parsed (Redis 7.0): AUTH authenticates at once, even when a
        // later option turns out to be a syntax error.
        byte[] setName = null;
        for (int j = next; j < c.argc(); j++) {
            int more = c.argc() - j - 1;
            if (c.argIs(j, "AUTH") && more >= 2) {
                c.redact(j + 1);
                c.redact(j + 2);
                authenticate(c, c.arg(j + 1), c.arg(j + 2));
                j += 2;
            } else if (c.argIs(j, "SETNAME") && more >= 1) {
                setName = c.arg(j + 1);
                ClientCommands.validateName(setName);
                j += 1;
            } else {
                throw RedisException.err("Syntax error in HELLO option '" + cString(c.arg(j)) + "'");
            }
        }
        if (!s.authenticated) {
            throw new RedisException("NOAUTH HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the "
                    + "client and select the RESP protocol version at the same time");
        }
        if (setName != null) {
            s.name = setName.length == 0 ? null : setName;
        }
        if (ver != 0) {
            s.reply.protocol(ver);
        }
        Reply r = c.reply;
        boolean sentinel = c.server.sentinelMode();
        r.map(sentinel ? 6 : 7); // a sentinel has no role field
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(ServerContext.REDIS_VERSION);
        r.bulk("proto");
        r.integer(s.protocol());
        r.bulk("id");
        r.integer(s.id);
        r.bulk("mode");
        r.bulk(sentinel ? "sentinel" : "standalone");
        if (!sentinel) {
            r.bulk("role");
            r.bulk("master");
        }
        r.bulk("modules");
        r.emptyArray();
    }

    /** An argument as C's "%s" prints it: up to the first NUL. */
    static String cString(byte[] b) {
        String v = Bytes.latin1(b);
        int nul = v.indexOf('\0');
        return nul < 0 ? v : v.substring(0, nul);
    }

    /** RESET: back to a fresh connection's state. */
    static void reset(CommandContext c) {
        Session s = c.session;
        TransactionCommands.discardTransaction(c);
        TransactionCommands.unwatch(c.server, s);
        s.monitor = false;
        c.server.monitors.remove(s);
        PubSubCommands.unsubscribeAll(c, false);
        s.select(0);
        s.name = null;
        s.replyMode = Session.ReplyMode.ON;
        s.noEvict = false;
        c.server.tracking.disable(s);
        s.reply.protocol(2);
        c.server.accessControl().resetSession(s);
        c.reply.simple("RESET");
    }
}
