package io.redmesh.node.command.family;

import io.redmesh.node.command.ByteString;
import io.redmesh.node.command.ClientTracking;
import io.redmesh.node.command.CommandContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.Errors;
import io.redmesh.node.util.RedisException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLIENT subcommands of client-side caching, parsed and checked as Redis 7.0's
 * clientCommand() does (the state they change lives in {@link ClientTracking}).
 *
 * <pre>
 * CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
 * CLIENT CACHING YES|NO
 * CLIENT GETREDIR
 * CLIENT TRACKINGINFO
 * </pre>
 */
final class ClientTrackingCommands {
    private ClientTrackingCommands() {
    }

    /** CLIENT TRACKING: options are parsed first (first bad one answers), then checked together. */
    static void tracking(CommandContext c) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < c.argc(); j++) {
            boolean more = j + 1 < c.argc();
            if (c.argIs(j, "redirect") && more) {
                j++;
                if (redirect != 0) {
                    throw RedisException.err("A client can only redirect to a single other client");
                }
                Long id = Bytes.parseLongOrNull(c.arg(j));
                if (id == null) {
                    throw Errors.E_NOT_INTEGER;
                }
                redirect = id;
                // The target must exist now, even if it may go later (a sanity check, as Redis's).
                if (c.server.sessions.get(redirect) == null) {
                    throw RedisException.err("The client ID you want redirect to does not exist");
                }
            } else if (c.argIs(j, "bcast")) {
                bcast = true;
            } else if (c.argIs(j, "optin")) {
                optin = true;
            } else if (c.argIs(j, "optout")) {
                optout = true;
            } else if (c.argIs(j, "noloop")) {
                noloop = true;
            } else if (c.argIs(j, "prefix") && more) {
                j++;
                prefixes.add(c.arg(j));
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        Session s = c.session;
        ClientTracking.Mode m = s.tracking;
        if (c.argIs(2, "on")) {
            if (!bcast && !prefixes.isEmpty()) {
                throw RedisException.err("PREFIX option requires BCAST mode to be enabled");
            }
            if (m.on && m.bcast != bcast) {
                throw RedisException.err("You can't switch BCAST mode on/off before disabling tracking for "
                        + "this client, and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) {
                throw RedisException.err("OPTIN and OPTOUT are not compatible with BCAST");
            }
            if (optin && optout) {
                throw RedisException.err("You can't specify both OPTIN mode and OPTOUT mode");
            }
            if ((optin && m.optout) || (optout && m.optin)) {
                throw RedisException.err("You can't switch OPTIN/OPTOUT mode before disabling tracking for "
                        + "this client, and then re-enabling it with a different mode.");
            }
            if (bcast) {
                ClientTracking.checkPrefixCollisions(m, prefixes);
            }
            c.server.tracking.enable(s, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (c.argIs(2, "off")) {
            c.server.tracking.disable(s);
        } else {
            throw Errors.E_SYNTAX;
        }
        c.reply.ok();
    }

    /** CLIENT CACHING YES (OPTIN) / NO (OPTOUT): for the next command or transaction. */
    static void caching(CommandContext c) {
        ClientTracking.Mode m = c.session.tracking;
        if (!m.on) {
            throw RedisException.err("CLIENT CACHING can be called only when the client is in tracking mode "
                    + "with OPTIN or OPTOUT mode enabled");
        }
        if (c.argIs(2, "yes")) {
            if (!m.optin) {
                throw RedisException.err("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (c.argIs(2, "no")) {
            if (!m.optout) {
                throw RedisException.err("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw Errors.E_SYNTAX;
        }
        m.caching = true;
        c.reply.ok();
    }

    /** The redirect target's ID (0: none) while tracking, -1 otherwise (also CLIENT LIST redir=). */
    static long redirect(Session s) {
        return s.tracking.on ? s.tracking.redirect : -1;
    }

    static void getredir(CommandContext c) {
        c.reply.integer(redirect(c.session));
    }

    /** CLIENT TRACKINGINFO: flags, redirect, prefixes. */
    static void trackinginfo(CommandContext c) {
        ClientTracking.Mode m = c.session.tracking;
        List<String> flags = new ArrayList<>();
        flags.add(m.on ? "on" : "off");
        if (m.bcast) {
            flags.add("bcast");
        }
        if (m.optin) {
            flags.add("optin");
            if (m.caching) {
                flags.add("caching-yes");
            }
        }
        if (m.optout) {
            flags.add("optout");
            if (m.caching) {
                flags.add("caching-no");
            }
        }
        if (m.noloop) {
            flags.add("noloop");
        }
        if (m.brokenRedirect) {
            flags.add("broken_redirect");
        }
        c.reply.map(3);
        c.reply.bulk("flags");
        c.reply.set(flags.size());
        for (String f : flags) {
            c.reply.bulk(f);
        }
        c.reply.bulk("redirect");
        c.reply.integer(redirect(c.session));
        c.reply.bulk("prefixes");
        if (m.prefixes == null) {
            c.reply.array(0);
        } else {
            c.reply.array(m.prefixes.size());
            for (ByteString p : m.prefixes) {
                c.reply.bulk(p.bytes);
            }
        }
    }
}
