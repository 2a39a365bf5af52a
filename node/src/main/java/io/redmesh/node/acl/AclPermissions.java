package io.redmesh.node.acl;

import io.redmesh.node.command.CommandFlag;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.KeyExtractor;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Permission checks, as Redis 7.0's ACLCheckAllUserCommandPerm(): each selector in turn (root
 * first) checks the command bit (or an allowed first argument), every key against its patterns
 * with the permission the key spec's flags need, and the channels of PUBLISH / SUBSCRIBE /
 * PSUBSCRIBE (patterns of PSUBSCRIBE are compared literally). The first selector that allows
 * everything wins; otherwise the most relevant denial is reported.
 */
public final class AclPermissions {
    private AclPermissions() {}

    /** ACL_OK / ACL_DENIED_* with Redis's numbering (it orders the "relevant" error). */
    public static final int OK = 0;
    public static final int DENIED_CMD = 1;
    public static final int DENIED_KEY = 2;
    public static final int DENIED_AUTH = 3;
    public static final int DENIED_CHANNEL = 4;

    /** A check's outcome: a DENIED_* code and the argument index of the key or channel. */
    public record Result(int code, int argIndex) {
        static final Result ALLOWED = new Result(OK, 0);

        public boolean allowed() {
            return code == OK;
        }
    }

    /** ACLCheckAllUserCommandPerm(). */
    public static Result check(AclUser u, CommandSpec cmd, byte[][] argv) {
        int relevant = DENIED_CMD;
        int lastIdx = 0;
        KeyExtractor.Keys[] keys = new KeyExtractor.Keys[1]; // computed once, shared by selectors
        int[] idx = new int[1];
        for (AclSelector s : u.selectors) {
            idx[0] = 0;
            int r = checkSelector(s, cmd, argv, keys, idx);
            if (r == OK) {
                return Result.ALLOWED;
            }
            if (r > relevant || (r == relevant && idx[0] > lastIdx)) {
                relevant = r;
                lastIdx = idx[0];
            }
        }
        return new Result(relevant, lastIdx);
    }

    /** ACLSelectorCheckCmd(). */
    private static int checkSelector(AclSelector s, CommandSpec cmd, byte[][] argv, KeyExtractor.Keys[] keys, int[] idx) {
        int id = cmd.aclId();
        if (!s.allCommands() && !cmd.has(CommandFlag.NO_AUTH) && !s.bit(id)) {
            List<String> first = s.firstArgs(id);
            int at = cmd.parent != null ? 2 : 1;
            if (argv.length < 2 || first == null || at >= argv.length) {
                return DENIED_CMD;
            }
            String arg = new String(argv[at], StandardCharsets.ISO_8859_1);
            boolean found = false;
            for (String a : first) {
                if (a.equalsIgnoreCase(arg)) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                return DENIED_CMD;
            }
        }
        if (!s.allKeys() && !cmd.keySpecs.isEmpty()) {
            if (keys[0] == null) {
                keys[0] = KeyExtractor.keys(cmd, argv, argv.length);
            }
            KeyExtractor.Keys k = keys[0];
            for (int j = 0; j < k.count(); j++) {
                int pos = k.position(j);
                if (cmd.keySpecs.get(k.spec(j)).hasFlag("not_key")) {
                    continue; // a shard channel: judged by the channel rules below, as 7.0 skips NOT_KEY specs
                }
                if (!keyAllowed(s, argv[pos], keyPermissions(k.flags(cmd, j)))) {
                    idx[0] = pos;
                    return DENIED_KEY;
                }
            }
        }
        if (!s.allChannels()) {
            switch (cmd.fullName) {
                case "publish": case "spublish":
                    return channels(s, argv, 1, 1, false, idx);
                case "subscribe": case "ssubscribe":
                    return channels(s, argv, 1, argv.length - 1, false, idx);
                case "psubscribe":
                    return channels(s, argv, 1, argv.length - 1, true, idx);
                default:
                    break;
            }
        }
        return OK;
    }

    /** The permission a key needs: access → read; insert, delete, update → write. */
    static int keyPermissions(List<String> keySpecFlags) {
        int p = 0;
        for (String f : keySpecFlags) {
            switch (f) {
                case "access": case "ACCESS":
                    p |= AclSelector.READ;
                    break;
                case "insert": case "INSERT": case "delete": case "DELETE": case "update": case "UPDATE":
                    p |= AclSelector.WRITE;
                    break;
                default:
                    break;
            }
        }
        return p;
    }

    /** ACLSelectorCheckKey(). */
    static boolean keyAllowed(AclSelector s, byte[] key, int needed) {
        if (s.allKeys()) {
            return true;
        }
        for (AclSelector.KeyPattern p : s.patterns) {
            if ((p.perms & needed) != needed) {
                continue;
            }
            if (p.matches(key)) {
                return true;
            }
        }
        return false;
    }

    private static int channels(AclSelector s, byte[][] argv, int from, int count, boolean literal, int[] idx) {
        for (int j = from; j < from + count && j < argv.length; j++) {
            if (!channelAllowed(s, argv[j], literal)) {
                idx[0] = j;
                return DENIED_CHANNEL;
            }
        }
        return OK;
    }

    /** ACLCheckChannelAgainstList(): glob match, or byte equality for a literal pattern. */
    static boolean channelAllowed(AclSelector s, byte[] channel, boolean literal) {
        for (String p : s.channels) {
            if (literal ? java.util.Arrays.equals(p.getBytes(StandardCharsets.ISO_8859_1), channel)
                    : s.channelGlob(p).matches(channel)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same against a plain list of patterns (an ACL change re-checking subscribers), each
     * compiled on first use and kept for the checks that follow.
     */
    static final class ChannelPatterns {
        private final List<byte[]> patterns = new java.util.ArrayList<>();
        private final io.redmesh.node.util.GlobPattern[] compiled;

        ChannelPatterns(List<String> patterns) {
            for (String p : patterns) {
                this.patterns.add(p.getBytes(StandardCharsets.ISO_8859_1));
            }
            this.compiled = new io.redmesh.node.util.GlobPattern[patterns.size()];
        }

        boolean allows(byte[] channel, boolean literal) {
            for (int i = 0; i < patterns.size(); i++) {
                byte[] pb = patterns.get(i);
                if (literal) {
                    if (java.util.Arrays.equals(pb, channel)) {
                        return true;
                    }
                    continue;
                }
                if (compiled[i] == null) {
                    compiled[i] = io.redmesh.node.util.GlobPattern.compile(pb);
                }
                if (compiled[i].matches(channel)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** ACLUserCheckChannelPerm(): whether any selector allows the channel. */
    public static boolean userChannelAllowed(AclUser u, byte[] channel, boolean literal) {
        for (AclSelector s : u.selectors) {
            if (s.allChannels() || channelAllowed(s, channel, literal)) {
                return true;
            }
        }
        return false;
    }

    /**
     * ACLUserCheckCmdWithUnrestrictedKeyAccess() for read access: a selector that allows the
     * command and has allkeys, or a "*" key pattern with read permission.
     */
    public static boolean unrestrictedKeyRead(AclUser u, CommandSpec cmd, byte[][] argv) {
        KeyExtractor.Keys[] keys = new KeyExtractor.Keys[1];
        int[] idx = new int[1];
        for (AclSelector s : u.selectors) {
            if (checkSelector(s, cmd, argv, keys, idx) != OK) {
                continue;
            }
            if (s.allKeys()) {
                return true;
            }
            for (AclSelector.KeyPattern p : s.keyPatterns()) {
                if ((p.perms() & AclSelector.READ) != 0 && p.pattern().equals("*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** ACLUserCheckKeyPerm(). */
    public static boolean userKeyAllowed(AclUser u, byte[] key, int needed) {
        for (AclSelector s : u.selectors) {
            if (keyAllowed(s, key, needed)) {
                return true;
            }
        }
        return false;
    }
}
