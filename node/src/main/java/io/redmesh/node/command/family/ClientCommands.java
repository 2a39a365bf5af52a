package io.redmesh.node.command.family;

import io.redmesh.node.command.ClientMemory;
import io.redmesh.node.command.ClientPause;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.Session;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * CLIENT subcommands.
 *
 * <pre>
 * CLIENT ID | GETNAME | SETNAME name | INFO | LIST [TYPE t] [ID id ...]
 * CLIENT KILL ip:port | KILL [ID id] [TYPE t] [USER u] [ADDR a] [LADDR a] [SKIPME yes|no]
 * CLIENT SETINFO LIB-NAME|LIB-VER value      (Redis 7.2; sent by Jedis and Lettuce)
 * CLIENT REPLY ON|OFF|SKIP   CLIENT NO-EVICT ON|OFF   CLIENT UNBLOCK id [TIMEOUT|ERROR]
 * CLIENT HELP   (TRACKING, CACHING, GETREDIR, TRACKINGINFO: ClientTrackingCommands)
 * </pre>
 */
final class ClientCommands implements CommandFamily {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("client|id", c -> c.reply.integer(c.session.id))
         .bind("client|getname", c -> c.reply.bulk(c.session.name))
         .bind("client|setname", c -> {
             validateName(c.arg(2));
             c.session.name = c.arg(2).length == 0 ? null : c.arg(2);
             c.reply.ok();
         })
         .bind("client|info", c -> c.reply.verbatim(describe(c.session, c.argv)))
         .bind("client|list", ClientCommands::list)
         .bind("client|kill", ClientCommands::kill)
         .bind("client|setinfo", ClientCommands::setinfo)
         .bind("client|reply", ClientCommands::replyMode)
         .bind("client|no-evict", c -> {
             if (c.argIs(2, "ON")) {
                 c.session.noEvict = true;
             } else if (c.argIs(2, "OFF")) {
                 c.session.noEvict = false;
             } else {
                 throw Errors.E_SYNTAX;
             }
             c.reply.ok();
         })
         .bind("client|unblock", ClientCommands::unblock)
         .bind("client|pause", ClientCommands::pause)
         .bind("client|unpause", c -> {
             c.server.dispatcher().unpause(ClientPause.Purpose.CLIENT_COMMAND);
             c.reply.ok();
         })
         .bind("client|tracking", ClientTrackingCommands::tracking)
         .bind("client|caching", ClientTrackingCommands::caching)
         .bind("client|getredir", ClientTrackingCommands::getredir)
         .bind("client|trackinginfo", ClientTrackingCommands::trackinginfo)
         .bind("client|help", c -> Help.reply(c, "CLIENT",
                 "CACHING (YES|NO)",
                 "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                 "GETREDIR",
                 "    Return the client ID we are redirecting to when tracking is enabled.",
                 "GETNAME",
                 "    Return the name of the current connection.",
                 "ID",
                 "    Return the ID of the current connection.",
                 "INFO",
                 "    Return information about the current client connection.",
                 "KILL <ip:port>",
                 "    Kill connection made from <ip:port>.",
                 "KILL <option> <value> [<option> <value> [...]]",
                 "    Kill connections. Options are:",
                 "    * ADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made from the specified address",
                 "    * LADDR (<ip:port>|<unixsocket>:0)",
                 "      Kill connections made to specified local address",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Kill connections by type.",
                 "    * USER <username>",
                 "      Kill connections authenticated by <username>.",
                 "    * SKIPME (YES|NO)",
                 "      Skip killing current connection (default: yes).",
                 "LIST [options ...]",
                 "    Return information about client connections. Options:",
                 "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                 "      Return clients of specified type.",
                 "UNPAUSE",
                 "    Stop the current client pause, resuming traffic.",
                 "PAUSE <timeout> [WRITE|ALL]",
                 "    Suspend all, or just write, clients for <timeout> milliseconds.",
                 "REPLY (ON|OFF|SKIP)",
                 "    Control the replies sent to the current connection.",
                 "SETNAME <name>",
                 "    Assign the name <name> to the current connection.",
                 "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                 "    Unblock the specified blocked client.",
                 "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                 "         [OPTIN] [OPTOUT] [NOLOOP]",
                 "    Control server assisted client side caching.",
                 "TRACKINGINFO",
                 "    Report tracking status for the current connection.",
                 "NO-EVICT (ON|OFF)",
                 "    Protect current client connection from eviction."));
    }

    /** Client names and lib names: printable ASCII without spaces ('!'..'~'). */
    static void validateName(byte[] name) {
        for (byte b : name) {
            if (b < '!' || b > '~') {
                throw RedisException.err("Client names cannot contain spaces, newlines or special characters.");
            }
        }
    }

    static void setinfo(CommandContext c) {
        if (c.argc() != 4) {
            throw Errors.wrongArity("client|setinfo");
        }
        byte[] v = c.arg(3);
        for (byte b : v) {
            if (b < '!' || b > '~') {
                throw RedisException.err(c.argString(2).toUpperCase(java.util.Locale.ROOT)
                        + " cannot contain spaces, newlines or special characters.");
            }
        }
        if (c.argIs(2, "LIB-NAME")) {
            c.session.libName = v.length == 0 ? null : Bytes.latin1(v);
        } else if (c.argIs(2, "LIB-VER")) {
            c.session.libVersion = v.length == 0 ? null : Bytes.latin1(v);
        } else {
            throw RedisException.err("Unrecognized option '" + c.argString(2) + "'");
        }
        c.reply.ok();
    }

    /** The flags field, in the order of Redis 7.0's getClientInfoString(). */
    static String flags(Session s) {
        StringBuilder f = new StringBuilder();
        if (s.monitor) {
            f.append('O');
        } else if (s.isReplica()) {
            f.append('S');
        }
        if (s.isMaster()) {
            f.append('M');
        }
        if (s.isSubscriber()) {
            f.append('P');
        }
        if (s.inMulti()) {
            f.append('x');
        }
        if (s.isBlocked()) {
            f.append('b');
        }
        if (s.tracking.on) {
            f.append('t');
        }
        if (s.tracking.brokenRedirect) {
            f.append('R');
        }
        if (s.tracking.bcast) {
            f.append('B');
        }
        if (s.dirtyCas()) {
            f.append('d');
        }
        if (s.closeAfterReply) {
            f.append('c');
        }
        if (s.transport().remoteAddress().startsWith("/") || s.transport().remoteAddress().isEmpty()) {
            f.append('U');
        }
        if (s.noEvict) {
            f.append('e');
        }
        return f.length() == 0 ? "N" : f.toString();
    }

    static String describe(Session s) {
        return describe(s, null);
    }

    /**
     * One CLIENT LIST line, in Redis 7's field order (plus 7.2's lib-name and lib-ver); the
     * buffer fields are the connection's real ones (ClientMemory), {@code executing} the
     * arguments of the request running for this client (the caller's CLIENT LIST), or null.
     */
    static String describe(Session s, byte[][] executing) {
        long now = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder();
        sb.append("id=").append(s.id)
          .append(" addr=").append(s.transport().remoteAddress())
          .append(" laddr=").append(s.transport().localAddress())
          .append(" fd=").append(s.transport().fd())
          .append(" name=").append(s.name == null ? "" : Bytes.latin1(s.name))
          .append(" age=").append((now - s.createdMillis) / 1000)
          .append(" idle=").append((now - s.lastInteractionMillis) / 1000)
          .append(" flags=").append(flags(s))
          .append(" db=").append(s.db().index)
          .append(" sub=").append(s.channels().size())
          .append(" psub=").append(s.patterns().size())
          .append(" ssub=").append(s.shardChannels().size())
          .append(" multi=").append(s.inMulti() ? s.queuedCount() : -1)
          .append(" qbuf=").append(s.transport().queryBufferBytes())
          .append(" qbuf-free=").append(s.transport().queryBufferFree())
          .append(" argv-mem=").append(ClientMemory.argvMem(s, executing))
          .append(" multi-mem=").append(s.queuedArgvBytes())
          .append(" rbs=").append(s.replyBufferCapacity())
          .append(" rbp=").append(s.bufferedBytes())
          .append(" obl=").append(s.bufferedBytes())
          .append(" oll=").append(s.transport().pendingOutputEntries())
          .append(" omem=").append(ClientMemory.outputListBytes(s))
          .append(" tot-mem=").append(ClientMemory.total(s, executing))
          .append(" events=r")
          .append(" cmd=").append(s.lastCommand)
          .append(" user=").append(s.user)
          .append(" redir=").append(ClientTrackingCommands.redirect(s))
          .append(" resp=").append(s.protocol())
          .append(" lib-name=").append(s.libName == null ? "" : s.libName)
          .append(" lib-ver=").append(s.libVersion == null ? "" : s.libVersion)
          .append('\n');
        return sb.toString();
    }

    static String type(Session s) {
        if (s.isReplica()) {
            return "replica";
        }
        if (s.isMaster()) {
            return "master";
        }
        return s.isSubscriber() ? "pubsub" : "normal";
    }

    /** Redis's getClientTypeByName(): null when unknown. */
    private static String clientType(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "normal": return "normal";
            case "slave": case "replica": return "replica";
            case "pubsub": return "pubsub";
            case "master": return "master";
            default: return null;
        }
    }

    /** CLIENT LIST [TYPE t | ID id ...]: with IDs, in the order given (repeats included). */
    static void list(CommandContext c) {
        List<Session> sessions = new ArrayList<>(c.server.sessions());
        sessions.sort((a, b) -> Long.compare(a.id, b.id));
        StringBuilder sb = new StringBuilder();
        if (c.argc() == 4 && c.argIs(2, "TYPE")) {
            String type = clientType(c.argString(3));
            if (type == null) {
                throw RedisException.err("Unknown client type '" + c.argString(3) + "'");
            }
            for (Session s : sessions) {
                if (type(s).equals(type)) {
                    sb.append(describe(s, s == c.session ? c.argv : null));
                }
            }
        } else if (c.argc() > 3 && c.argIs(2, "ID")) {
            for (int i = 3; i < c.argc(); i++) {
                Long id = Bytes.parseLongOrNull(c.arg(i));
                if (id == null) {
                    throw RedisException.err("Invalid client ID");
                }
                Session s = c.server.sessions.get(id);
                if (s != null) {
                    sb.append(describe(s, s == c.session ? c.argv : null));
                }
            }
        } else if (c.argc() != 2) {
            throw Errors.E_SYNTAX;
        } else {
            for (Session s : sessions) {
                sb.append(describe(s, s == c.session ? c.argv : null));
            }
        }
        c.reply.verbatim(sb.toString());
    }

    /**
     * CLIENT KILL addr (old form: OK or "No such client", may kill the caller) or CLIENT KILL
     * filter value ... (an integer; SKIPME yes by default). Filters are parsed in order, the
     * first bad one answering, as Redis 7.0 does.
     */
    static void kill(CommandContext c) {
        Long id = null;
        String type = null;
        String user = null;
        String addr = null;
        String laddr = null;
        boolean skipme = true;
        boolean oldForm = c.argc() == 3;
        if (oldForm) {
            addr = c.argString(2);
            skipme = false;
        } else {
            for (int i = 2; i < c.argc(); i += 2) {
                boolean more = i + 1 < c.argc();
                String v = more ? c.argString(i + 1) : null;
                if (c.argIs(i, "ID") && more) {
                    id = Bytes.parseLongOrNull(c.arg(i + 1));
                    if (id == null || id <= 0) {
                        throw RedisException.err("client-id should be greater than 0");
                    }
                } else if (c.argIs(i, "TYPE") && more) {
                    type = clientType(v);
                    if (type == null) {
                        throw RedisException.err("Unknown client type '" + v + "'");
                    }
                } else if (c.argIs(i, "ADDR") && more) {
                    addr = v;
                } else if (c.argIs(i, "LADDR") && more) {
                    laddr = v;
                } else if (c.argIs(i, "USER") && more) {
                    if (!c.server.accessControl().userExists(v)) {
                        throw RedisException.err("No such user '" + v + "'");
                    }
                    user = v;
                } else if (c.argIs(i, "SKIPME") && more) {
                    if (v.equalsIgnoreCase("yes")) {
                        skipme = true;
                    } else if (v.equalsIgnoreCase("no")) {
                        skipme = false;
                    } else {
                        throw Errors.E_SYNTAX;
                    }
                } else {
                    throw Errors.E_SYNTAX;
                }
            }
        }
        int killed = 0;
        for (Session s : c.server.sessions()) {
            if ((id != null && s.id != id)
                    || (type != null && !type(s).equals(type))
                    || (user != null && !s.user.equals(user))
                    || (addr != null && !s.transport().remoteAddress().equals(addr))
                    || (laddr != null && !s.transport().localAddress().equals(laddr))
                    || (skipme && s == c.session)) {
                continue;
            }
            if (s == c.session) {
                s.closeAfterReply = true; // killing itself: after this reply
            } else {
                s.kill();
            }
            killed++;
        }
        if (!oldForm) {
            c.reply.integer(killed);
        } else if (killed == 0) {
            throw RedisException.err("No such client");
        } else {
            c.reply.ok();
        }
    }

    static void replyMode(CommandContext c) {
        if (c.argIs(2, "ON")) {
            c.session.replyMode = Session.ReplyMode.ON;
            c.reply.ok();
        } else if (c.argIs(2, "OFF")) {
            c.session.replyMode = Session.ReplyMode.OFF;
        } else if (c.argIs(2, "SKIP")) {
            if (c.session.replyMode != Session.ReplyMode.OFF) {
                c.session.replyMode = Session.ReplyMode.SKIP_NEXT;
            }
        } else {
            throw Errors.E_SYNTAX;
        }
    }

    /**
     * CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked first, then the timeout in ms as
     * getTimeoutFromObjectOrReply(UNIT_MILLISECONDS) reads it (an end past 2^63 wraps and ends
     * at once, as in Redis).
     */
    static void pause(CommandContext c) {
        int type = ClientPause.ALL;
        if (c.argc() == 4) {
            if (c.argIs(3, "write")) {
                type = ClientPause.WRITE;
            } else if (!c.argIs(3, "all")) {
                throw RedisException.err("CLIENT PAUSE mode must be WRITE or ALL");
            }
        } else if (c.argc() != 3) {
            throw c.subcommandSyntaxError();
        }
        Long ms = Bytes.parseLongOrNull(c.arg(2));
        if (ms == null) {
            throw RedisException.err("timeout is not an integer or out of range");
        }
        if (ms < 0) {
            throw new RedisException(Errors.TIMEOUT_NEGATIVE);
        }
        long end = ms > 0 ? System.currentTimeMillis() + ms : 0;
        c.server.dispatcher().clientPause(c.session, end, type);
        c.reply.ok();
    }

    static void unblock(CommandContext c) {
        Long id = Bytes.parseLongOrNull(c.arg(2));
        if (id == null) {
            throw Errors.E_NOT_INTEGER;
        }
        boolean error = false;
        if (c.argc() == 4) {
            if (c.argIs(3, "ERROR")) {
                error = true;
            } else if (!c.argIs(3, "TIMEOUT")) {
                throw RedisException.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        } else if (c.argc() > 4) {
            throw c.subcommandSyntaxError();
        }
        Session target = c.server.sessions.get(id);
        if (target == null || !target.isBlocked()) {
            c.reply.integer(0);
            return;
        }
        if (error) {
            c.server.dispatcher().unblockWith(target, r -> r.error("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
        } else {
            c.server.dispatcher().unblockWith(target, null);
        }
        c.reply.integer(1);
    }
}
