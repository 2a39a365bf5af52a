package io.redmesh.node.util;

/**
 * Redis's glob-style matching (util.c stringmatchlen): {@code * ? [abc] [^a] [a-z] \x}, on bytes,
 * optionally case-insensitive. Used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, COMMAND LIST and
 * ACL patterns, so its corner cases must be Redis's own. These helpers compile the pattern for one
 * match; callers that match one pattern against many strings compile a {@link GlobPattern} once.
 */
public final class Glob {
    private Glob() {}

    public static boolean match(byte[] pattern, byte[] string) {
        return GlobPattern.compile(pattern).matches(string);
    }

    public static boolean matchIgnoreCase(byte[] pattern, byte[] string) {
        return GlobPattern.compileIgnoreCase(pattern).matches(string);
    }

    /** True when the pattern is a plain "*" (lets callers skip matching). */
    public static boolean isMatchAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }
}
