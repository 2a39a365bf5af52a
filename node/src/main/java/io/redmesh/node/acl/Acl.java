package io.redmesh.node.acl;

import io.redmesh.node.command.AccessControl;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The ACL engine of one server: the users (sorted by name, as Redis's rax keeps them), the
 * default user, the ACL log and the denial counters, plus what ties them to sessions: login,
 * the per-command check, and disconnecting clients whose user went away. Everything runs under
 * the server lock, like the commands that call it.
 *
 * <p>For certificate login (tls-auth-clients-user) the TLS layer calls
 * {@link #loginWithoutPassword} and, when no user matches, {@link #logCustom} with reason
 * "tls-cert".
 */
public final class Acl implements AccessControl {
    /** ACL LOG contexts. */
    public static final String CTX_TOPLEVEL = "toplevel";
    public static final String CTX_MULTI = "multi";
    public static final String CTX_LUA = "lua";

    final ServerContext server;
    final AclRuleParser parser;
    final AclDescriber describer;
    public final AclLog log = new AclLog();
    /** Local changes out to the mesh, mesh decisions in. */
    public final AclChangeFeed changes = new AclChangeFeed(this);
    /** Users by name; "default" is always present and always the same object. */
    private Map<String, AclUser> users = new TreeMap<>();
    private final AclUser defaultUser;
    private final Function<Session, String> clientInfo;
    private volatile int pubsubDefault; // AclSelector.FLAG_ALLCHANNELS or 0
    private volatile long logMaxLen = 128;
    /**
     * Bumped whenever a user's rules change or users go away: a session whose
     * {@link Session#aclEpoch} differs re-reads its user before trusting its cached
     * {@link Session#aclUnrestricted}. Starts above a new session's -1.
     */
    private long epoch;

    // INFO stats acl_access_denied_* (what Redis 7.2 added; RedMesh shows them with 7.0 replies)
    public long deniedAuth;
    public long deniedCmd;
    public long deniedKey;
    public long deniedChannel;
    /** Verified client certificates that named no enabled user (ACL LOG reason "tls-cert"; metrics only). */
    public long deniedTlsCert;

    /** CONFIG RESETSTAT. */
    @Override
    public void resetStats() {
        deniedAuth = 0;
        deniedCmd = 0;
        deniedKey = 0;
        deniedChannel = 0;
        deniedTlsCert = 0;
    }

    public Acl(ServerContext server, Function<Session, String> clientInfo) {
        this.server = server;
        this.clientInfo = clientInfo;
        this.parser = new AclRuleParser(server.table(), () -> pubsubDefault);
        this.describer = new AclDescriber(server.table());
        this.defaultUser = parser.newDefaultUser();
        users.put("default", defaultUser);
    }

    /** Follows the directives this engine owns: requirepass, acl-pubsub-default, acllog-max-len. */
    public void followConfig(io.redmesh.node.config.ServerConfig config) {
        config.onChange("requirepass", v -> requirepass((String) v));
        config.onChange("acl-pubsub-default", v -> pubsubDefault("allchannels".equals(v)));
        config.onChange("acllog-max-len", v -> logMaxLen((Long) v));
    }

    public AclRuleParser parser() {
        return parser;
    }

    public AclDescriber describer() {
        return describer;
    }

    public AclUser defaultUser() {
        return defaultUser;
    }

    public AclUser user(String name) {
        return users.get(name);
    }

    @Override
    public boolean keyReadable(Session s, byte[] key) {
        AclUser u = users.get(s.user);
        return u != null && AclPermissions.userKeyAllowed(u, key, AclSelector.READ);
    }

    @Override
    public boolean unrestrictedKeyRead(Session s, CommandSpec cmd, byte[][] argv) {
        AclUser u = users.get(s.user);
        return u != null && AclPermissions.unrestrictedKeyRead(u, cmd, argv);
    }

    @Override
    public boolean userExists(String name) {
        return users.containsKey(name);
    }

    @Override
    public String infoStats() {
        return "acl_access_denied_auth:" + deniedAuth + "\r\n"
                + "acl_access_denied_cmd:" + deniedCmd + "\r\n"
                + "acl_access_denied_key:" + deniedKey + "\r\n"
                + "acl_access_denied_channel:" + deniedChannel + "\r\n";
    }

    @Override
    public void tlsHandshakeDone(Session s, java.security.cert.Certificate[] peerChain) {
        CertificateLogin.handshakeDone(this, s, peerChain);
    }

    /** Users in name order (ACL LIST, ACL USERS, ACL SAVE). */
    public List<AclUser> users() {
        return new ArrayList<>(users.values());
    }

    /** The "user ..." lines CONFIG REWRITE and ACL SAVE write. */
    @Override
    public List<String> userLines() {
        List<String> out = new ArrayList<>();
        for (AclUser u : users.values()) {
            out.add(describer.userLine(u));
        }
        return out;
    }

    public void pubsubDefault(boolean allChannels) {
        pubsubDefault = allChannels ? AclSelector.FLAG_ALLCHANNELS : 0;
    }

    public void logMaxLen(long max) {
        logMaxLen = max;
        log.trim(max);
    }

    // ------------------------------------------------------------------ users

    /**
     * ACL SETUSER: applies {@code rules} (already merged for selectors) to a copy of the user
     * (or a new one), and only if all succeed makes the copy the user. Subscribers that lost a
     * channel are disconnected and sessions are re-checked. Throws with the failing rule.
     */
    public void setUser(String name, List<String> rules) throws SetUserException {
        setUser(name, rules, false);
    }

    /**
     * Makes the user exactly what {@code rules} describe, starting from a blank user rather than
     * from {@code reset} (which adds sanitize-payload): the way to reproduce an ACL LIST line.
     * Its connections stay open unless they lose access, as with ACL SETUSER.
     */
    public void replaceUser(String name, List<String> rules) throws SetUserException {
        setUser(name, rules, true);
    }

    private void setUser(String name, List<String> rules, boolean fromBlank) throws SetUserException {
        AclUser existing = users.get(name);
        AclUser temp = existing != null && !fromBlank ? existing.copyNamed(name) : parser.newUser(name);
        for (String r : rules) {
            try {
                parser.apply(temp, r);
            } catch (AclRuleException e) {
                throw new SetUserException(r, e);
            }
        }
        if (existing != null) {
            killPubsubClientsIfNeeded(temp, existing);
            existing.copyFrom(temp);
        } else {
            users.put(name, temp);
        }
        userChanged(name);
    }

    /** A rule that failed in {@link #setUser}, with Redis's reason text. */
    public static final class SetUserException extends Exception {
        private static final long serialVersionUID = 1L;
        public final String rule;

        SetUserException(String rule, AclRuleException cause) {
            super(cause.getMessage(), cause, false, false);
            this.rule = rule;
        }
    }

    /** ACL DELUSER of one user: true when it existed. Its clients are disconnected. */
    public boolean deleteUser(String name) {
        AclUser u = users.get(name);
        if (u == null || u == defaultUser) {
            return false;
        }
        users.remove(name);
        killClientsOf(name);
        return true;
    }

    /**
     * ACLFreeUserAndKillClients(): the user's sessions fall back to an unauthenticated default
     * user and are closed (the current one after its reply).
     */
    void killClientsOf(String name) {
        for (Session s : server.sessions()) {
            if (s.user.equals(name)) {
                s.user = "default";
                s.authenticated = false;
                s.aclUnrestricted = defaultUser.unrestricted();
                s.kill();
            }
        }
        epoch++;
    }

    /**
     * Re-reads the state sessions cache after a user's rules changed. The epoch moves too, so a
     * session this loop cannot see (one being opened on another thread right now, which read
     * the old default user's state) re-reads its user at its next check instead of skipping
     * the ACL with a stale {@code aclUnrestricted}.
     */
    void userChanged(String name) {
        epoch++;
        AclUser u = users.get(name);
        boolean fast = u != null && u.unrestricted();
        for (Session s : server.sessions()) {
            if (s.user.equals(name)) {
                s.aclUnrestricted = fast;
            }
        }
        if (u == defaultUser) {
            // A certonly default user is no implicit login: only a certificate reaches it.
            server.defaultUser(defaultUser.nopass(), defaultUser.enabled() && !defaultUser.certOnly(),
                    defaultUser.unrestricted());
        }
    }

    /**
     * ACLKillPubsubClientsIfNeeded(): when the new rules drop a channel pattern the old ones
     * had, subscribers of the user whose channels or patterns are no longer allowed are closed.
     */
    private void killPubsubClientsIfNeeded(AclUser now, AclUser before) {
        List<String> upcoming = new ArrayList<>();
        for (AclSelector s : now.selectors) {
            if (s.allChannels()) {
                return;
            }
            upcoming.addAll(s.channels);
        }
        boolean match = true;
        for (AclSelector s : before.selectors) {
            if (s.allChannels()) {
                // allchannels before, a channel list now: a narrowing even though the old
                // selectors list no pattern (7.0.15 checks this too)
                match = false;
                break;
            }
            for (String c : s.channels) {
                if (!upcoming.contains(c)) {
                    match = false;
                    break;
                }
            }
            if (!match) {
                break;
            }
        }
        if (match) {
            return;
        }
        // each pattern compiled once for the whole re-check, not once per subscribed channel:
        // a record's patterns can be a megabyte, a subscriber's channels hundreds of thousands
        AclPermissions.ChannelPatterns allowed = new AclPermissions.ChannelPatterns(upcoming);
        for (Session s : server.sessions()) {
            if (!s.user.equals(before.name) || !s.isSubscriber()) {
                continue;
            }
            boolean kill = false;
            for (var p : s.patterns()) {
                if (!allowed.allows(p.bytes, true)) {
                    kill = true;
                    break;
                }
            }
            if (!kill) {
                for (var c : s.channels()) {
                    if (!allowed.allows(c.bytes, false)) {
                        kill = true;
                        break;
                    }
                }
            }
            if (!kill) {
                for (var c : s.shardChannels()) {
                    if (!allowed.allows(c.bytes, false)) {
                        kill = true;
                        break;
                    }
                }
            }
            if (kill) {
                s.kill();
            }
        }
    }

    /** requirepass: ACLUpdateDefaultUserPassword() (empty means nopass). */
    public void requirepass(String password) {
        parser.applyUnchecked(defaultUser, "resetpass");
        if (password == null || password.isEmpty()) {
            parser.applyUnchecked(defaultUser, "nopass");
        } else {
            parser.applyUnchecked(defaultUser, ">" + password);
        }
        userChanged("default");
    }

    /**
     * Replaces every user with {@code loaded} (which must hold the new default user's rules
     * under "default" or none): the default user object keeps its identity and takes the new
     * rules; clients of every other old user are disconnected, as ACL LOAD does in Redis.
     */
    void replaceAll(Map<String, AclUser> loaded) {
        AclUser newDefault = loaded.remove("default");
        if (newDefault == null) {
            newDefault = parser.newDefaultUser();
        }
        Map<String, AclUser> old = users;
        users = new TreeMap<>(loaded);
        defaultUser.copyFrom(newDefault);
        users.put("default", defaultUser);
        for (String name : old.keySet()) {
            if (!name.equals("default")) {
                killClientsOf(name);
            }
        }
        userChanged("default");
        for (String name : users.keySet()) {
            userChanged(name);
        }
    }

    // ------------------------------------------------------------------ login

    /**
     * ACLAuthenticateUser(): AUTH / HELLO AUTH. On failure (no such user, disabled, wrong
     * password, or a certonly user) writes an "auth" ACL LOG entry whose object is the command
     * name as typed, counts it, and returns false; the caller replies WRONGPASS.
     */
    @Override
    public boolean authenticate(Session s, byte[] username, byte[] password, byte[] commandName) {
        String name = new String(username, StandardCharsets.ISO_8859_1);
        AclUser u = users.get(name);
        boolean ok = u != null && u.enabled() && !u.certOnly() && u.passwordMatches(password);
        if (ok) {
            login(s, u);
            return true;
        }
        deniedAuth++;
        addLog(s, "auth", context(s), new String(commandName, StandardCharsets.ISO_8859_1), name);
        return false;
    }

    /**
     * Logs {@code s} in as {@code username} without a password (certificate login). Fails,
     * returning false and changing nothing, when the user does not exist or is disabled.
     */
    public boolean loginWithoutPassword(Session s, String username) {
        AclUser u = users.get(username);
        if (u == null || !u.enabled()) {
            return false;
        }
        login(s, u);
        return true;
    }

    private void login(Session s, AclUser u) {
        s.authenticated = true;
        s.user = u.name;
        s.aclUnrestricted = u.unrestricted();
    }

    /** A new connection's state: the default user, authenticated when it is nopass and on. */
    @Override
    public void resetSession(Session s) {
        if (s.certificateUser != null && loginWithoutPassword(s, s.certificateUser)) {
            return; // a certificate-bound connection's own identity is its certificate's user
        }
        s.user = "default";
        s.authenticated = defaultUser.nopass() && defaultUser.enabled() && !defaultUser.certOnly();
        s.aclUnrestricted = defaultUser.unrestricted();
    }

    // ------------------------------------------------------------------ checks

    /**
     * The gate processCommand() runs before a command executes or is queued: null when allowed,
     * else the NOPERM error line (after an ACL LOG entry and a denial count).
     */
    public String check(Session s, CommandSpec cmd, byte[][] argv) {
        if (s.aclEpoch != epoch) {
            refresh(s);
        }
        if (s.aclUnrestricted) {
            return null; // root selector has allcommands, allkeys, allchannels: nothing to check
        }
        AclUser u = users.get(s.user);
        // A session whose user is gone is reset when the user goes; fail closed regardless.
        AclPermissions.Result r = u == null ? new AclPermissions.Result(AclPermissions.DENIED_CMD, 0)
                : AclPermissions.check(u, cmd, argv);
        if (r.allowed()) {
            return null;
        }
        deny(s, cmd, argv, r, context(s));
        switch (r.code()) {
            case AclPermissions.DENIED_CMD:
                return "NOPERM this user has no permissions to run the '" + cmd.fullName + "' command";
            case AclPermissions.DENIED_KEY:
                return "NOPERM this user has no permissions to access one of the keys used as arguments";
            default:
                return "NOPERM this user has no permissions to access one of the channels used as arguments";
        }
    }

    @Override
    public String scriptCheck(Session s, CommandSpec cmd, byte[][] argv) {
        AclPermissions.Result r = permissions(s, cmd, argv);
        if (r == null || r.allowed()) {
            return null;
        }
        deny(s, cmd, argv, r, CTX_LUA);
        return switch (r.code()) {
            case AclPermissions.DENIED_CMD -> "The user executing the script can't run this command or subcommand";
            case AclPermissions.DENIED_KEY ->
                    "The user executing the script can't access at least one of the keys mentioned in the command arguments";
            default -> "The user executing the script can't publish to the channel mentioned in the command";
        };
    }

    @Override
    public boolean allows(Session s, CommandSpec cmd, byte[][] argv) {
        AclPermissions.Result r = permissions(s, cmd, argv);
        return r == null || r.allowed();
    }

    /** The session's user's verdict on a command; null when its user is unrestricted. */
    private AclPermissions.Result permissions(Session s, CommandSpec cmd, byte[][] argv) {
        if (s.aclEpoch != epoch) {
            refresh(s);
        }
        if (s.aclUnrestricted) {
            return null;
        }
        AclUser u = users.get(s.user);
        return u == null ? new AclPermissions.Result(AclPermissions.DENIED_CMD, 0) : AclPermissions.check(u, cmd, argv);
    }

    /**
     * execCommand()'s re-check of each queued command: rules may have changed since it was
     * queued. Null when allowed, else the error line for that command's slot in the reply.
     */
    public String checkAtExec(Session s, CommandSpec cmd, byte[][] argv) {
        if (s.aclEpoch != epoch) {
            refresh(s);
        }
        if (s.aclUnrestricted) {
            return null;
        }
        AclUser u = users.get(s.user);
        AclPermissions.Result r = u == null ? new AclPermissions.Result(AclPermissions.DENIED_CMD, 0)
                : AclPermissions.check(u, cmd, argv);
        if (r.allowed()) {
            return null;
        }
        deny(s, cmd, argv, r, CTX_MULTI);
        String reason = switch (r.code()) {
            case AclPermissions.DENIED_CMD -> "no permission to execute the command or subcommand";
            case AclPermissions.DENIED_KEY -> "no permission to touch the specified keys";
            default -> "no permission to access one of the channels used as arguments";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + reason;
    }

    /** Recomputes a session's cached fast-path flag from its user's current rules. */
    private void refresh(Session s) {
        AclUser u = users.get(s.user);
        s.aclUnrestricted = u != null && u.unrestricted();
        s.aclEpoch = epoch;
    }

    private void deny(Session s, CommandSpec cmd, byte[][] argv, AclPermissions.Result r, String context) {
        String object;
        String reason;
        switch (r.code()) {
            case AclPermissions.DENIED_CMD:
                deniedCmd++;
                reason = "command";
                object = cmd.fullName;
                break;
            case AclPermissions.DENIED_KEY:
                deniedKey++;
                reason = "key";
                object = new String(argv[r.argIndex()], StandardCharsets.ISO_8859_1);
                break;
            default:
                deniedChannel++;
                reason = "channel";
                object = new String(argv[r.argIndex()], StandardCharsets.ISO_8859_1);
                break;
        }
        addLog(s, reason, context, object, s.user);
    }

    static String context(Session s) {
        return s.inMulti() || s.inExec() ? CTX_MULTI : CTX_TOPLEVEL;
    }

    private void addLog(Session s, String reason, String context, String object, String username) {
        log.add(reason, context, object, username, clientInfo.apply(s), System.currentTimeMillis(), logMaxLen);
    }

    /**
     * An ACL LOG entry with a custom reason (e.g. "tls-cert" when a client certificate names
     * no user); {@code object} is what was refused, {@code username} who it claimed to be.
     */
    public void logCustom(Session s, String reason, String object, String username) {
        addLog(s, reason, CTX_TOPLEVEL, object, username);
    }
}
