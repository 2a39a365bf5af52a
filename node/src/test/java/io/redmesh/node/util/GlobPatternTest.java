package io.redmesh.node.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import io.redmesh.node.testing.SeededRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link GlobPattern} against a line-by-line port of Redis 7.0.15's stringmatchlen
 * ({@link GlobReference}): fixed corner cases, then random patterns and strings over a small
 * alphabet rich in the pattern's special bytes (so classes, ranges, escapes and stars meet).
 */
class GlobPatternTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void same(String pattern, String string) {
        for (boolean nocase : new boolean[] {false, true}) {
            boolean want = GlobReference.match(b(pattern), b(string), nocase);
            boolean got = GlobPattern.compile(b(pattern), nocase).matches(b(string));
            assertEquals(want, got, "pattern '" + pattern + "' string '" + string + "' nocase " + nocase);
        }
    }

    @Test
    void cornerCasesAgreeWithRedis() {
        String[][] cases = {
            {"", ""}, {"*", ""}, {"", "a"}, {"*", "a"}, {"a*", "a"}, {"*a", "a"}, {"?", ""}, {"?*", "a"},
            {"a**b", "ab"}, {"a*b*c", "axxbyyc"}, {"a*b*c", "axxbyy"}, {"*ab", "aab"}, {"h?llo", "hello"},
            {"h[ae]llo", "hallo"}, {"h[^e]llo", "hello"}, {"h[a-b]llo", "hbllo"}, {"h[b-a]llo", "hallo"},
            {"[", "["}, {"[", "a"}, {"[^", "a"}, {"[a", "a"}, {"[a-", "a"}, {"[a-]", "-"}, {"[a-]", "]"},
            {"[\\]]", "]"}, {"[\\", "\\"}, {"\\", "\\"}, {"\\*", "*"}, {"\\*", "a"}, {"a\\", "a\\"},
            {"[]]", "]"}, {"[]a]", "a"}, {"[^]]", "a"}, {"[A-Z]", "q"}, {"[a-z]", "Q"}, {"[!-A]", "b"},
            {"[!-A]", "B"}, {"[Z-a]", "_"}, {"[\\A]", "a"}, {"A", "a"}, {"[a-\u00ff]", "\u00ff"},
            {"[\u0001-\u00ff]", "\u00ff"}, {"[\u0080-\u00fe]", "\u00ff"}, {"[\u00fe-\u00ff]", "\u00ff"},
            {"*[a-c]?x*", "zzbqx"}, {"a*?", "a"}, {"a*?", "ab"},
        };
        for (String[] c : cases) {
            same(c[0], c[1]);
        }
    }

    @Test
    void nestingLimitOfCve2024_31228IsRedis() {
        String key = "a".repeat(1100);
        assertTrue(GlobPattern.compile(b("*a".repeat(1000))).matches(b(key)));
        assertFalse(GlobPattern.compile(b("*a".repeat(1001))).matches(b(key)));
        assertTrue(GlobPattern.compile(b("a*".repeat(1001))).matches(b(key)));
        assertFalse(GlobPattern.compile(b("a*".repeat(1002))).matches(b(key)));
        assertTrue(GlobPattern.compile(b("*a".repeat(1000) + "*")).matches(b(key)));
        for (String p : new String[] {"*a".repeat(999), "*a".repeat(1001), "a*".repeat(1001), "a*".repeat(1002)}) {
            assertEquals(GlobReference.match(b(p), b(key), false), GlobPattern.compile(b(p)).matches(b(key)), p);
        }
    }

    @Test
    void worstPatternsAreFast() {
        // CVE-2022-36021's pattern, a class of 40000 bytes after a star, thousands of star groups.
        byte[] key = b("a".repeat(40));
        byte[] longKey = b("a".repeat(100_000));
        String[] patterns = {
            "a*".repeat(20) + "b", "*" + "a*".repeat(500) + "b", "*[" + "z".repeat(40000) + "]",
            "*?".repeat(50000) + "b", "*" + "a".repeat(1000) + "b", "*" + "[a]".repeat(300) + "b*",
        };
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String p : patterns) {
                GlobPattern g = GlobPattern.compile(b(p));
                assertFalse(g.matches(key), p.substring(0, 20));
                assertFalse(g.matches(longKey), p.substring(0, 20));
            }
        });
    }

    /** Pattern and string bytes: the pattern's special bytes, letters of both cases, high bytes. */
    private static final String ALPHABET = "ab*?[]^-\\Az\u00ff\u0080";

    @Test
    void agreesWithRedisOnRandomInput() {
        SeededRandom fuzz = SeededRandom.create();
        fuzz.repeat(20_000, i -> same(fuzz.string(ALPHABET, 12), fuzz.string(ALPHABET, 10)));
    }
}
