package io.redmesh.agent.sidecar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * ACL LIST as data: {@code user <name> <rules>} lines to name -> rules, rules back to the
 * arguments of ACL SETUSER, and the digest that tells two user sets apart.
 *
 * <p>Redis 7.0 renders a user as space-separated tokens ({@code on}, {@code #<sha256>},
 * {@code ~pattern}, {@code &pattern}, {@code +cmd}, {@code (selector ...)}) and refuses spaces in
 * user names and in patterns ("Syntax error"), so splitting on spaces is exact. A selector spans several tokens
 * ({@code (~y* resetchannels -@all +set)}); ACL SETUSER joins arguments from one starting with
 * {@code (} to the one ending with {@code )} back into one selector, so the split form works.
 */
final class AclListing {
    private AclListing() {}

    /** ACL LIST lines -> name -> rules, sorted by name. Lines that are not users are ignored. */
    static SortedMap<String, String> parse(List<String> lines) {
        SortedMap<String, String> users = new TreeMap<>();
        for (String line : lines) {
            if (line == null || !line.startsWith("user ")) {
                continue;
            }
            String rest = line.substring(5);
            int sp = rest.indexOf(' ');
            if (sp < 0) {
                users.put(rest, "");
            } else {
                users.put(rest.substring(0, sp), rest.substring(sp + 1));
            }
        }
        return users;
    }

    /** The ACL SETUSER arguments for {@code name reset <rules>}. */
    static String[] setUserArgs(String name, String rules) {
        List<String> args = new ArrayList<>();
        args.add(name);
        args.add("reset");
        for (String t : rules.split(" ")) {
            if (!t.isEmpty()) {
                args.add(t);
            }
        }
        return args.toArray(new String[0]);
    }

    /**
     * Whether two rule strings describe the same user. Exact token equality, except that a bare
     * {@code sanitize-payload} flag is ignored: ACL SETUSER's {@code reset} sets it, a user made
     * without reset lacks it, and Redis 7.0 behaves the same either way (only
     * {@code skip-sanitize-payload} changes what RESTORE does, rdb.c rdbLoadObject).
     */
    static boolean sameRules(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        return tokens(a).equals(tokens(b));
    }

    private static List<String> tokens(String rules) {
        List<String> out = new ArrayList<>();
        for (String t : rules.split(" ")) {
            if (!t.isEmpty() && !t.equals("sanitize-payload")) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * SHA-256 (hex) over the users sorted by name, one {@code name NUL rules LF} each, the rules
     * with a bare {@code sanitize-payload} dropped (see {@link #sameRules}): equal digests mean
     * the same users (the order Redis lists them in does not matter).
     */
    static String digest(Map<String, String> users) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (var e : new TreeMap<>(users).entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(String.join(" ", tokens(e.getValue())).getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
