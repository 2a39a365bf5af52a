package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection and server commands against Redis 7.0: PING/ECHO/SELECT/AUTH/HELLO/QUIT/RESET,
 * CLIENT, DBSIZE/FLUSH*, TIME, SWAPDB, SLOWLOG, MONITOR, DEBUG gating, and the generic errors
 * (unknown command or subcommand, arity, NOAUTH, the RESP2 subscribed context).
 */
class ConnectionCompatTest {
    private static Diff diff;

    /** HELLO's client id differs (the servers count connections differently). */
    static final UnaryOperator<String> NO_ID = r -> r.replaceAll("\\$2\r\nid\r\n:\\d+\r\n", "\\$2\r\nid\r\n:ID\r\n");
    /** MONITOR lines carry a time and the client's port. */
    static final UnaryOperator<String> NO_TIME_ADDR =
            r -> r.replaceAll("\\+\\d{10}\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\]", "+T [$1 ADDR]");

    @BeforeAll
    static void start() {
        diff = Diff.start();
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    @Test
    void basicsAndGenericErrors() {
        try (Diff.Pair p = diff.pair()) {
            p.script("PING", "PING hello", "PING a b", "ECHO", "ECHO x", "ECHO x y", "ECHO \"\"",
                    "SELECT", "SELECT 100", "SELECT 16", "SELECT -1", "SELECT abc", "SELECT 1.5",
                    "SELECT 99999999999999", "SELECT 3", "SET k v", "SELECT 0", "GET k", "SELECT 3", "GET k",
                    "DEL k", "SELECT 0",
                    "FOO", "FOO a b c", "foo \"a\\r\\nb\"", "\"\" x", "FOO " + "x".repeat(200),
                    "FOO " + "a ".repeat(100), "GET", "GET a b", "SET a", "MULTI x",
                    "CONFIG", "CONFIG FOO", "CONFIG GET", "CONFIG foo bar", "COMMAND FOO", "CLIENT",
                    "CLIENT FOO", "OBJECT", "OBJECT FOO", "SLOWLOG", "SLOWLOG FOO", "PUBSUB", "PUBSUB FOO",
                    "config \"" + "y".repeat(200) + "\"",
                    "DBSIZE x", "TIME x", "DEBUG", "DEBUG HELP", "DEBUG SLEEP 0",
                    "AUTH", "AUTH pass", "AUTH user pass", "AUTH default pass", "AUTH a b c",
                    "HELLO 1", "HELLO 4", "HELLO abc", "HELLO -1", "HELLO 3 AUTH", "HELLO 3 AUTH default",
                    "HELLO 2 SETNAME", "HELLO 2 SETNAME \"a b\"", "HELLO 2 FOO", "HELLO 2 AUTH a b c",
                    "HELLO 3 SETNAME x AUTH", "HELLO 3 AUTH a b SETNAME", "HELLO 2 SETNAME \"a b\" FOO",
                    "HELLO 2 FOO\\x00bar");
            p.verify();
            p.sameNormalized(NO_ID, "HELLO");
            p.sameNormalized(NO_ID, "HELLO", "3");
            p.sameNormalized(NO_ID, "HELLO", "3", "AUTH", "default", "anything", "SETNAME", "named");
            p.same("CLIENT", "GETNAME");
            p.same("PING");
            p.same("PING", "x");
            p.sameNormalized(NO_ID, "HELLO", "2", "SETNAME", "other");
            p.same("CLIENT", "GETNAME");
            p.same("QUIT");
            p.bothClosed();
        }
        try (Diff.Pair p = diff.pair()) {
            p.same("QUIT", "x");
            p.bothClosed();
        }
    }

    @Test
    void clientSubcommands() {
        try (Diff.Pair p = diff.pair()) {
            p.script("CLIENT GETNAME", "CLIENT SETNAME", "CLIENT SETNAME \"a b\"", "CLIENT SETNAME \"a\\nb\"",
                    "CLIENT SETNAME \"\\xe9\"", "CLIENT SETNAME x y", "CLIENT SETNAME ~!", "CLIENT GETNAME",
                    "CLIENT SETNAME \"\"", "CLIENT GETNAME", "CLIENT GETNAME x", "CLIENT ID x", "CLIENT INFO x",
                    "CLIENT REPLY", "CLIENT REPLY FOO", "CLIENT NO-EVICT maybe", "CLIENT NO-EVICT on",
                    "CLIENT NO-EVICT OFF", "CLIENT NO-EVICT", "CLIENT GETREDIR", "CLIENT GETREDIR x",
                    "CLIENT UNBLOCK", "CLIENT UNBLOCK abc", "CLIENT UNBLOCK 1 FOO", "CLIENT UNBLOCK 99999",
                    "CLIENT UNBLOCK 99999 TIMEOUT", "CLIENT UNBLOCK 99999 ERROR", "CLIENT UNBLOCK 1 ERROR x",
                    "CLIENT KILL", "CLIENT KILL a b c", "CLIENT KILL ID abc", "CLIENT KILL ID 0",
                    "CLIENT KILL ID -5", "CLIENT KILL ID 99999", "CLIENT KILL FOO bar", "CLIENT KILL SKIPME maybe",
                    "CLIENT KILL MAXAGE 10", "CLIENT KILL TYPE foo", "CLIENT KILL TYPE master",
                    "CLIENT KILL TYPE slave", "CLIENT KILL TYPE replica", "CLIENT KILL TYPE pubsub",
                    "CLIENT KILL USER nobody", "CLIENT KILL ADDR 1.2.3.4:5", "CLIENT KILL 1.2.3.4:5",
                    "CLIENT KILL LADDR 1.2.3.4:5", "CLIENT KILL ID 1 TYPE", "CLIENT KILL ID abc TYPE",
                    "CLIENT KILL ID 99999 SKIPME no", "CLIENT LIST FOO", "CLIENT LIST TYPE foo",
                    "CLIENT LIST TYPE pubsub", "CLIENT LIST TYPE master", "CLIENT LIST ID abc", "CLIENT LIST ID 0",
                    "CLIENT LIST ID 999999 -3", "CLIENT LIST ID", "CLIENT HELP", "CLIENT HELP x");
            p.verify();
        }
    }

    @Test
    void clientReplyModes() {
        try (Diff.Pair p = diff.pair()) {
            // OFF: nothing until ON, which is answered.
            p.sameRaw(Diff.bytes("CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY SKIP\r\nECHO a\r\nCLIENT REPLY ON\r\nECHO b\r\n"), 2);
            // SKIP: only the next command; SKIP twice in a row; ON while skipping is answered.
            p.sameRaw(Diff.bytes("CLIENT REPLY SKIP\r\nPING\r\nECHO x\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY SKIP\r\n"
                    + "ECHO y\r\nECHO z\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nECHO w\r\n"), 4);
        }
    }

    @Test
    void killFiltersAndSelf() {
        try (Diff.Pair victim = diff.pair(); Diff.Pair p = diff.pair()) {
            victim.same("CLIENT", "SETNAME", "victim");
            String rAddr = clientField(victim.real.callString("CLIENT", "INFO"), "addr");
            String oAddr = clientField(victim.ours.callString("CLIENT", "INFO"), "addr");
            assertEquals(":1\r\n", p.real.callString("CLIENT", "KILL", "ADDR", rAddr, "SKIPME", "yes"));
            assertEquals(":1\r\n", p.ours.callString("CLIENT", "KILL", "ADDR", oAddr, "SKIPME", "yes"));
            victim.bothClosed();
            p.same("CLIENT", "KILL", "USER", "default", "TYPE", "pubsub");
            // old form kills the caller too; then the connection closes after "+OK"
            String me = clientField(p.real.callString("CLIENT", "INFO"), "addr");
            String meOurs = clientField(p.ours.callString("CLIENT", "INFO"), "addr");
            assertEquals("+OK\r\n", p.real.callString("CLIENT", "KILL", me));
            assertEquals("+OK\r\n", p.ours.callString("CLIENT", "KILL", meOurs));
            p.bothClosed();
        }
    }

    static String clientField(String info, String field) {
        Matcher m = Pattern.compile("(?:^|[ \n])" + field + "=(\\S*)").matcher(info);
        assertTrue(m.find(), info);
        return m.group(1);
    }

    @Test
    void resetRestoresAFreshConnection() {
        try (Diff.Pair p = diff.pair()) {
            p.script("CLIENT SETNAME n", "SELECT 2", "SET rk v", "WATCH rk", "MULTI", "SET rk w", "RESET", "GET rk",
                    "DEL rk", "CLIENT GETNAME", "EXEC", "RESET x");
            p.verify();
            p.sameRaw(Diff.bytes("CLIENT REPLY OFF\r\nRESET\r\nPING\r\n"), 2);
            p.sameNormalized(NO_ID, "HELLO", "3");
            p.script("SUBSCRIBE c1", "PSUBSCRIBE p*", "RESET", "PING", "PUBSUB NUMPAT", "GET x");
            p.verify();
        }
    }

    @Test
    void serverCommands() {
        try (Diff.Pair p = diff.pair()) {
            p.script("FLUSHALL", "DBSIZE", "SET a 1", "SET b 2", "SELECT 1", "SET c 3", "DBSIZE", "SELECT 0", "DBSIZE",
                    "FLUSHDB FOO", "FLUSHDB ASYNC SYNC", "FLUSHALL FOO", "FLUSHALL SYNC ASYNC", "SWAPDB",
                    "SWAPDB a b", "SWAPDB 0 b", "SWAPDB 0 100", "SWAPDB -1 0", "SWAPDB 0 1.5",
                    "SWAPDB 99999999999 0", "SWAPDB 0 99999999999", "SWAPDB 0 1", "DBSIZE", "GET c", "SWAPDB 1 1",
                    "FLUSHDB ASYNC", "DBSIZE", "SELECT 1", "DBSIZE", "FLUSHDB SYNC", "DBSIZE", "SELECT 0", "SET x 1",
                    "FLUSHALL ASYNC", "DBSIZE", "SET x 1", "FLUSHALL sync", "DBSIZE", "FLUSHDB", "FLUSHALL");
            p.verify();
            String[] times = {p.real.callString("TIME"), p.ours.callString("TIME")};
            for (String t : times) {
                Matcher m = Pattern.compile("\\*2\r\n\\$10\r\n(\\d{10})\r\n\\$(\\d)\r\n(\\d+)\r\n").matcher(t);
                assertTrue(m.matches(), t);
                assertEquals(Integer.parseInt(m.group(2)), m.group(3).length());
                assertTrue(Long.parseLong(m.group(3)) < 1_000_000);
                assertTrue(Math.abs(Long.parseLong(m.group(1)) - System.currentTimeMillis() / 1000) < 5);
            }
        }
    }

    @Test
    void slowlog() {
        UnaryOperator<String> norm = r -> r.replaceAll(
                "\\*6\r\n:\\d+\r\n:\\d+\r\n:\\d+\r\n", "*6\r\n:ID\r\n:T\r\n:D\r\n")
                .replaceAll("\\$\\d+\r\n127\\.0\\.0\\.1:\\d+\r\n", "\\$ADDR\r\n");
        try (Diff.Pair p = diff.pair()) {
            p.script("CONFIG SET slowlog-log-slower-than -1", "SLOWLOG RESET", "SLOWLOG LEN", "SLOWLOG GET", "SLOWLOG GET -2", "SLOWLOG GET abc",
                    "SLOWLOG GET 1 2", "SLOWLOG LEN x", "SLOWLOG RESET x", "SLOWLOG HELP", "SLOWLOG HELP x",
                    "SLOWLOG RESET", "CONFIG SET slowlog-log-slower-than 0", "CLIENT SETNAME slow");
            p.verify();
            p.same("SET", "k", "x".repeat(200));
            p.same("ECHO", "a", "b".repeat(130));
            String[] many = new String[40];
            java.util.Arrays.fill(many, "k");
            many[0] = "DEL";
            p.same(many);
            p.same("AUTH", "secret");
            p.sameNormalized(NO_ID, "HELLO", "2", "AUTH", "default", "pw");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            p.sameNormalized(norm, "SLOWLOG", "GET", "3");
            p.sameNormalized(norm, "SLOWLOG", "GET", "-1");
            p.same("SLOWLOG", "LEN");
            p.same("CONFIG", "SET", "slowlog-log-slower-than", "10000");
            p.same("SLOWLOG", "RESET");
            p.same("DEL", "k");
        }
    }

    @Test
    void monitorFormat() {
        try (Diff.Pair m = diff.pair(); Diff.Pair p = diff.pair()) {
            m.same("MONITOR");
            p.same("SET", "mk", "v\u0000\u0001\"\\ \n\u00e9");
            m.sameNextNormalized(NO_TIME_ADDR);
            p.same("SELECT", "3");
            p.same("GET", "mk");
            p.same("AUTH", "x");
            p.same("CONFIG", "GET", "hz"); // admin: not shown
            p.sameNormalized(NO_ID, "HELLO", "2", "AUTH", "default", "pw");
            p.same("MULTI");
            p.same("SET", "a", "1");
            p.same("EXEC");
            p.same("NOSUCH"); // rejected: not shown
            p.same("SELECT", "0");
            p.same("DEL", "a");
            for (int i = 0; i < 9; i++) {
                m.sameNextNormalized(NO_TIME_ADDR);
            }
            m.sameNormalized(NO_TIME_ADDR, "PING");
            m.sameNextNormalized(NO_TIME_ADDR);
            m.same("QUIT");
        }
    }

    @Test
    void subscribedContextInResp2() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SUBSCRIBE ch", "PING", "PING hi", "GET x", "SET x", "FOO", "CLIENT ID", "PSUBSCRIBE p",
                    "UNSUBSCRIBE ch", "PUNSUBSCRIBE p", "GET x", "SUBSCRIBE ch", "MULTI", "EXEC", "QUIT");
            p.verify();
        }
    }

    @Test
    void authWithRequirepass() {
        try (Diff d = Diff.start("--requirepass", "secret"); Diff.Pair p = d.pair()) {
            p.script("PING", "GET a", "FOO", "GET", "AUTH", "AUTH wrong", "AUTH default wrong", "AUTH bob secret",
                    "AUTH a b c", "HELLO 3", "HELLO 3 AUTH default wrong", "HELLO 2 SETNAME x", "CLIENT SETNAME x",
                    "MULTI", "EXEC", "DISCARD", "DEBUG HELP");
            p.verify();
            p.sameNormalized(NO_ID, "HELLO", "3", "AUTH", "default", "secret", "SETNAME", "me");
            p.script("CLIENT GETNAME", "GET a", "MULTI", "RESET", "GET a", "MULTI", "EXEC", "AUTH secret", "MULTI",
                    "AUTH wrong", "EXEC", "AUTH secret", "GET a");
            p.verify();
        }
    }

    @Test
    void debugGatedByEnableDebugCommand() {
        try (Diff.Pair p = diff.pair()) {
            p.script("DEBUG HELP", "DEBUG SLEEP 0", "DEBUG FOO", "MULTI", "DEBUG SLEEP 0", "EXEC");
            p.verify();
        }
        for (String mode : new String[] {"yes", "local"}) {
            try (Diff d = Diff.start("--enable-debug-command", mode); Diff.Pair p = d.pair()) {
                p.script("DEBUG SLEEP 0", "DEBUG SLEEP", "DEBUG FOO", "DEBUG SET-ACTIVE-EXPIRE 1",
                        "DEBUG OBJECT nokey", "CONFIG SET enable-debug-command no");
                p.verify();
            }
        }
    }
}
