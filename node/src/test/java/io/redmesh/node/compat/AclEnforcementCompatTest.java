package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.command.CommandFlag;
import io.redmesh.node.command.CommandSpec;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.KeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ACL enforcement matrix, differential against Redis 7.0: for every command in our table a
 * user lacking exactly that command is refused with Redis's NOPERM reply and the same ACL LOG
 * entry; for every key-taking command, key patterns and %R/%W are honoured per key position; for
 * every pub/sub command, channel patterns. Requests that pass ACL execute on both servers, so the
 * comparison also covers what the command then does with the keys it was given.
 */
class AclEnforcementCompatTest {
    private static Diff diff;
    private static Diff.Pair admin;

    @BeforeAll
    static void start() {
        diff = Diff.start();
        admin = diff.pair();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (diff != null) {
            diff.close();
        }
    }

    /**
     * The leaf commands of our table that Redis 7.0 also has: top-level commands without
     * subcommands, and subcommands (not what commands-extra.json adds beyond 7.0).
     */
    private static List<CommandSpec> leaves() {
        java.util.Set<String> extras = new java.util.HashSet<>();
        try (java.io.InputStream in = CommandTable.class.getResourceAsStream(CommandTable.EXTRA_RESOURCE)) {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).path("commands")
                    .forEach(c -> extras.add(c.path("name").asText()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec c : diff.ours.context().table().all()) {
            if (!c.isContainer() && !extras.contains(c.fullName)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The shortest request the arity allows, every argument "x", except that a key-count argument
     * (find_keys "keynum") says 1, so key extraction finds a key, as a real client's would.
     */
    private static String[] minimalRequest(CommandSpec c, String filler) {
        String[] name = c.fullName.split("\\|");
        int n = Math.max(Math.abs(c.arity), name.length);
        String[] argv = new String[n];
        Arrays.fill(argv, filler);
        System.arraycopy(name, 0, argv, 0, name.length);
        for (KeySpec ks : c.keySpecs) {
            if (ks.begin().type().equals("index") && ks.find().type().equals("keynum")) {
                int at = ks.begin().index() + ks.find().keyNumIdx();
                if (at < n) {
                    argv[at] = "1";
                }
            }
        }
        return argv;
    }

    /** The fields of the newest ACL LOG entry that do not depend on time or connection ids. */
    private static final Pattern VOLATILE = Pattern.compile(
            "(\\$11\r\nage-seconds\r\n)(?:\\$\\d+\r\n)?[^\r]*\r\n|(\\$11\r\nclient-info\r\n)\\$\\d+\r\n[^\r]*\r\n"
                    + "|(\\$(?:8\r\nentry-id|17\r\ntimestamp-created|22\r\ntimestamp-last-updated)\r\n):\\d+\r\n");

    private static String stable(String reply) {
        Matcher m = VOLATILE.matcher(reply);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String head = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            m.appendReplacement(sb, Matcher.quoteReplacement(head + "<volatile>\r\n"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static void setUser(String... rules) {
        String[] argv = new String[rules.length + 3];
        argv[0] = "ACL";
        argv[1] = "SETUSER";
        argv[2] = "m";
        System.arraycopy(rules, 0, argv, 3, rules.length);
        admin.same("ACL", "SETUSER", "m", "reset");
        admin.same(argv);
        admin.same("ACL", "LOG", "RESET");
    }

    /** A connection pair logged in as "m". */
    private static Diff.Pair asM() {
        Diff.Pair p = diff.pair();
        p.same("AUTH", "m", "any");
        return p;
    }

    @Test
    void everyCommandIsRefusedToAUserLackingIt() {
        List<String> checked = new ArrayList<>();
        try (Diff.Pair p = diff.pair()) {
            for (CommandSpec c : leaves()) {
                if (c.has(CommandFlag.NO_AUTH)) {
                    continue; // AUTH, HELLO...: Redis lets every user run them (see below)
                }
                setUser("on", "nopass", "~*", "&*", "+@all", "-" + c.fullName);
                p.same("AUTH", "m", "any");
                String reply = p.soft(minimalRequest(c, "x"));
                // DEBUG's and MODULE LOAD/LOADEX/UNLOAD's own enable-*-command check comes first,
                // as in Redis; EXEC's refusal is an EXECABORT quoting the NOPERM text.
                if (!reply.contains("DEBUG command not allowed") && !reply.contains("MODULE command not allowed")) {
                    assertTrue(reply.contains("NOPERM"), c.fullName + " answered " + reply);
                }
                admin.sameNormalized(AclEnforcementCompatTest::stable, "ACL", "LOG", "1");
                checked.add(c.fullName);
            }
            p.verify();
        }
        assertTrue(checked.size() > 150, "only " + checked.size() + " commands checked");
    }

    @Test
    void noAuthCommandsCannotBeTakenAway() {
        for (CommandSpec c : leaves()) {
            if (!c.has(CommandFlag.NO_AUTH)) {
                continue;
            }
            setUser("on", "nopass", "-@all");
            try (Diff.Pair p = asM()) {
                String name = c.fullName.split("\\|")[0];
                String reply = p.sameNormalized(r -> r.replaceAll("\\$2\r\nid\r\n:\\d+", "id"), name);
                assertFalse(reply.startsWith("-NOPERM"), c.fullName + " refused: " + reply);
            } catch (IllegalStateException closed) {
                // QUIT/RESET end the exchange; that is what they do
            }
        }
    }

    @Test
    void keyPatternsAndReadWritePermissionsPerKeyPosition() {
        String[][] userRules = {
            {"~allowed*"},         // no key matches: every key-taking command refused
            {"~x"},                // all keys match
            {"%R~x"},              // read-only access
            {"%W~x"},              // write-only access
            {"%R~x", "%W~y*"},     // read x, write elsewhere
            {"resetkeys", "~x", "%R~*"},
        };
        try (Diff.Pair p = diff.pair()) {
            for (String[] keys : userRules) {
                List<String> rules = new ArrayList<>(List.of("on", "nopass", "&*", "+@all"));
                rules.addAll(List.of(keys));
                setUser(rules.toArray(new String[0]));
                p.same("AUTH", "m", "any");
                for (CommandSpec c : leaves()) {
                    if (c.keySpecs.isEmpty()) {
                        continue; // (blocking commands are included: a timeout of "x" never blocks)
                    }
                    if (c.fullName.equals("memory|usage")) {
                        // allowed or refused as Redis; the byte count is each server's own
                        p.sameNormalized(r -> r.replaceAll("^:\\d+", ":N"), minimalRequest(c, "x"));
                    } else {
                        p.soft(minimalRequest(c, "x"));
                    }
                    admin.sameNormalized(AclEnforcementCompatTest::stable, "ACL", "LOG", "1");
                    admin.same("ACL", "LOG", "RESET");
                }
                admin.same("FLUSHALL");
            }
            p.verify();
        }
    }

    @Test
    void channelPatternsForEveryPubSubCommand() {
        String[][] requests = {
            {"PUBLISH", "news.1", "hi"}, {"PUBLISH", "other", "hi"},
            {"SUBSCRIBE", "news.1"}, {"SUBSCRIBE", "news.1", "other"},
            {"PSUBSCRIBE", "news.*"}, {"PSUBSCRIBE", "news.1*"}, {"PSUBSCRIBE", "*"},
            {"UNSUBSCRIBE", "other"}, {"PUNSUBSCRIBE", "other*"},
            {"PUBSUB", "CHANNELS"}, {"PUBSUB", "NUMSUB", "other"}, {"PUBSUB", "NUMPAT"},
        };
        String[][] channelRules = {{"resetchannels"}, {"resetchannels", "&news.*"}, {"allchannels"},
            {"resetchannels", "&news.1"}};
        for (String[] ch : channelRules) {
            List<String> rules = new ArrayList<>(List.of("on", "nopass", "~*", "+@all"));
            rules.addAll(List.of(ch));
            setUser(rules.toArray(new String[0]));
            for (String[] req : requests) {
                try (Diff.Pair p = asM()) {
                    p.soft(req);
                    p.verify();
                }
                admin.sameNormalized(AclEnforcementCompatTest::stable, "ACL", "LOG", "1");
                admin.same("ACL", "LOG", "RESET");
            }
        }
    }
}
