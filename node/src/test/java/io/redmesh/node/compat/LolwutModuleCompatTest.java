package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LOLWUT, MODULE and SCRIPT DEBUG against Redis 7.0.15 (both with enable-module-command yes).
 * LOLWUT's art is compared byte for byte where Redis's own output does not depend on rand():
 * a Schotter of one or two rows of squares (the rows Redis draws unrotated) and a one-row
 * skyline; the random ones are compared by layout (lines, characters a line, the footer).
 */
class LolwutModuleCompatTest {
    private static Diff diff;

    @BeforeAll
    static void start() {
        diff = Diff.start("--enable-module-command", "yes");
    }

    @AfterAll
    static void stop() {
        if (diff != null) {
            diff.close();
        }
    }

    @Test
    void lolwutRepliesAndErrors() {
        try (Diff.Pair p = diff.pair()) {
            String[] script = {"LOLWUT", "LOLWUT foo", "LOLWUT VERSION", "LOLWUT VERSION 7", "LOLWUT VERSION 4",
                "LOLWUT VERSION -1", "LOLWUT VERSION x", "LOLWUT VERSION 99999999999999999999", "LOLWUT VERSION 5 x",
                "LOLWUT VERSION 5 10 x", "LOLWUT VERSION 5 10 2 x", "LOLWUT VERSION 6 x", "LOLWUT VERSION 6 10 y",
                "LOLWUT version 6 3 1", "LOLWUT VERSION 5 1 1 1", "LOLWUT VERSION 5 2 1 1", "LOLWUT VERSION 5 3 2 2",
                "LOLWUT VERSION 6 1 1", "LOLWUT VERSION 6 10 0", "LOLWUT VERSION 6 -5 -5"};
            p.script(script);
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            p.script(script);
            p.verify();
        }
    }

    /** The deterministic drawings, byte for byte (longer than Diff's text view, so compared raw). */
    @Test
    void deterministicArtIsRedisByteForByte() {
        try (Diff.Pair p = diff.pair()) {
            String[][] cases = {{"5", "66", "8", "2"}, {"5", "66", "8", "1"}, {"5", "40", "3", "2"},
                {"5", "1000", "200", "1"}, {"5", "17", "1", "2"}, {"5", "66", "200", "1"}, {"6", "80", "1"},
                {"6", "1000", "1"}};
            for (String[] c : cases) {
                String[] cmd = new String[c.length + 2];
                cmd[0] = "LOLWUT";
                cmd[1] = "VERSION";
                System.arraycopy(c, 0, cmd, 2, c.length);
                byte[] r = p.real.call(cmd);
                byte[] o = p.ours.call(cmd);
                assertArrayEquals(r, o, () -> String.join(" ", cmd) + "\n redis: " + text(r) + "\n ours : " + text(o));
            }
        }
    }

    /** Random drawings: the same number of lines, of the same length, and the same footer. */
    @Test
    void randomArtHasRedisLayout() {
        try (Diff.Pair p = diff.pair()) {
            for (String[] cmd : new String[][] {{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "6"},
                {"LOLWUT", "VERSION", "5", "30", "4", "9"}, {"LOLWUT", "VERSION", "6", "33", "17"}}) {
                String[] r = text(p.real.call(cmd)).split("\n", -1);
                String[] o = text(p.ours.call(cmd)).split("\n", -1);
                assertEquals(r.length, o.length, String.join(" ", cmd) + ": lines");
                for (int i = 0; i < r.length; i++) {
                    if (i >= r.length - 3) {
                        assertEquals(r[i], o[i], String.join(" ", cmd) + ": footer line " + i);
                    } else {
                        // a cell is one Braille character (5) or one coloured space (6, escapes of random length)
                        assertEquals(cells(r[i]), cells(o[i]), String.join(" ", cmd) + ": cells of line " + i);
                    }
                }
            }
        }
    }

    /**
     * 7.0's bounds allow a 760 MB canvas (LOLWUT VERSION 5 1000 1 200) for any @read user: past
     * the reply ceiling RedMesh refuses it before drawing (docs/SECURITY.md) and serves on.
     */
    @Test
    void aCanvasPastTheReplyCeilingIsRefusedBeforeItIsDrawn() {
        try (Diff.Pair p = diff.pair()) {
            p.ours.call("CONFIG", "SET", "client-reply-ceiling", "64mb");
            try {
                String r = text(p.ours.call("LOLWUT", "VERSION", "5", "1000", "1", "200"));
                assertTrue(r.startsWith("-ERR reply too large: 'lolwut' would send more than 67108864 bytes"), r);
                assertEquals("+PONG\r\n", text(p.ours.call("PING")));
                assertTrue(text(p.ours.call("LOLWUT", "VERSION", "5", "66", "8", "12")).contains("Georg Nees"));
            } finally {
                p.ours.call("CONFIG", "SET", "client-reply-ceiling", "0");
            }
        }
    }

    @Test
    void moduleRepliesAndErrors() {
        try (Diff.Pair p = diff.pair()) {
            String[] script = {"MODULE LIST", "MODULE HELP", "MODULE LOAD /nonexistent.so",
                "MODULE LOAD /nonexistent.so a b", "MODULE UNLOAD foo", "MODULE LOADEX /x CONFIG a",
                "MODULE LOADEX /x CONFIG a b ARGS c", "MODULE LOADEX /x ARGS a b", "MODULE LOADEX /x FOO",
                "MODULE LOADEX /x", "MODULE LOAD", "MODULE UNLOAD", "MODULE UNLOAD a b", "MODULE LIST x", "MODULE",
                "MODULE NOSUCH", "MODULE HELP x"};
            p.script(script);
            p.real.call("HELLO", "3");
            p.ours.call("HELLO", "3");
            p.script(script);
            p.verify();
        }
    }

    /** SCRIPT DEBUG NO and the argument errors as Redis; YES and SYNC refused (no Lua debugger here). */
    @Test
    void scriptDebug() {
        try (Diff.Pair p = diff.pair()) {
            p.script("SCRIPT DEBUG NO", "SCRIPT DEBUG no", "SCRIPT DEBUG FOO", "SCRIPT DEBUG", "SCRIPT DEBUG NO x",
                    "SCRIPT HELP", "MULTI", "SCRIPT DEBUG NO", "EXEC", "EVAL \"return 1\" 0");
            p.verify();
            for (String mode : new String[] {"YES", "SYNC"}) {
                String reply = Diff.show(p.ours.call("SCRIPT", "DEBUG", mode));
                assertTrue(reply.startsWith("-ERR SCRIPT DEBUG " + mode + " is not supported"), reply);
            }
            assertEquals(":1\r\n", Diff.show(p.ours.call("EVAL", "return 1", "0")));
        }
    }

    private static int cells(String line) {
        return line.contains("\033") ? line.split("\033\\[0m", -1).length - 1 : line.length();
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
