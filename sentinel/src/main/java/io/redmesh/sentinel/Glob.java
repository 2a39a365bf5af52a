package io.redmesh.sentinel;

/**
 * Redis's stringmatchlen() glob (SENTINEL RESET, SENTINEL CONFIG GET): {@code *}, {@code ?},
 * {@code [abc]}, {@code [^a-z]}, {@code \} escapes; case-sensitive unless asked. Matched by
 * dynamic programming over (pattern position, string position), so the cost is bounded by
 * pattern length x string length whatever the pattern (no backtracking blow-up).
 */
final class Glob {
    private Glob() {}

    static boolean matches(String pattern, String s) {
        return matches(pattern, s, false);
    }

    static boolean matches(String pattern, String s, boolean nocase) {
        if (nocase) {
            pattern = pattern.toLowerCase(java.util.Locale.ROOT);
            s = s.toLowerCase(java.util.Locale.ROOT);
        }
        int n = s.length();
        // can[j]: the pattern consumed so far matches s[0..j)
        boolean[] can = new boolean[n + 1];
        can[0] = true;
        int p = 0;
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            boolean[] next = new boolean[n + 1];
            if (c == '*') {
                boolean any = false;
                for (int j = 0; j <= n; j++) {
                    any |= can[j];
                    next[j] = any;
                }
                p++;
            } else {
                int end;
                java.util.function.IntPredicate one;
                if (c == '?') {
                    end = p + 1;
                    one = ch -> true;
                } else if (c == '[') {
                    end = classEnd(pattern, p);
                    boolean closed = pattern.charAt(end - 1) == ']' && end - 1 > p;
                    String body = pattern.substring(p + 1, closed ? end - 1 : end);
                    one = ch -> inClass(body, (char) ch);
                } else if (c == '\\' && p + 1 < pattern.length()) {
                    char lit = pattern.charAt(p + 1);
                    end = p + 2;
                    one = ch -> ch == lit;
                } else {
                    end = p + 1;
                    one = ch -> ch == c;
                }
                for (int j = 0; j < n; j++) {
                    if (can[j] && one.test(s.charAt(j))) {
                        next[j + 1] = true;
                    }
                }
                p = end;
            }
            can = next;
        }
        return can[n];
    }

    /** Where a "[...]" ends (after its ']'), or the pattern's end when it is not closed. */
    private static int classEnd(String pattern, int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            i++;
        }
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                i += 2;
                continue;
            }
            if (c == ']') {
                return i + 1;
            }
            i++;
        }
        return pattern.length();
    }

    private static boolean inClass(String body, char ch) {
        boolean not = body.startsWith("^");
        int i = not ? 1 : 0;
        boolean match = false;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                match |= body.charAt(i + 1) == ch;
                i += 2;
            } else if (i + 2 < body.length() && body.charAt(i + 1) == '-') {
                char a = c;
                char b = body.charAt(i + 2);
                if (a > b) {
                    char t = a;
                    a = b;
                    b = t;
                }
                match |= ch >= a && ch <= b;
                i += 3;
            } else {
                match |= c == ch;
                i++;
            }
        }
        return not != match;
    }
}
