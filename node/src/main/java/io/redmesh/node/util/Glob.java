package io.redmesh.node.util;

/**
 * Redis's glob-style matcher (util.c stringmatchlen): {@code * ? [abc] [^a] [a-z] \x}, on bytes,
 * optionally case-insensitive. Used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL patterns,
 * so its corner cases must be Redis's own.
 */
public final class Glob {
    private Glob() {}

    public static boolean match(byte[] pattern, byte[] string) {
        return match(pattern, 0, pattern.length, string, 0, string.length, false, 0);
    }

    public static boolean matchIgnoreCase(byte[] pattern, byte[] string) {
        return match(pattern, 0, pattern.length, string, 0, string.length, true, 0);
    }

    /** True when the pattern is a plain "*" (lets callers skip matching). */
    public static boolean isMatchAll(byte[] pattern) {
        return pattern.length == 1 && pattern[0] == '*';
    }

    private static int lower(int c, boolean nocase) {
        return nocase && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean match(byte[] p, int pi, int pend, byte[] s, int si, int send,
                                 boolean nocase, int nesting) {
        // Bound recursion as Redis 7 does (protects against pathological patterns).
        if (nesting > 1000) {
            return false;
        }
        while (pi < pend && si < send) {
            switch (p[pi]) {
                case '*': {
                    while (pi + 1 < pend && p[pi + 1] == '*') {
                        pi++;
                    }
                    if (pi + 1 == pend) {
                        return true;
                    }
                    while (si < send) {
                        if (match(p, pi + 1, pend, s, si, send, nocase, nesting + 1)) {
                            return true;
                        }
                        si++;
                    }
                    return false;
                }
                case '?':
                    si++;
                    break;
                case '[': {
                    pi++;
                    boolean not = pi < pend && p[pi] == '^';
                    if (not) {
                        pi++;
                    }
                    boolean matched = false;
                    while (true) {
                        if (pi < pend && p[pi] == '\\' && pend - pi >= 2) {
                            pi++;
                            if (p[pi] == s[si]) {
                                matched = true;
                            }
                        } else if (pi >= pend) {
                            pi--; // malformed: Redis treats the end as closing the class
                            break;
                        } else if (p[pi] == ']') {
                            break;
                        } else if (pend - pi >= 3 && p[pi + 1] == '-') {
                            int start = p[pi] & 0xff;
                            int end = p[pi + 2] & 0xff;
                            int c = s[si] & 0xff;
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start, true);
                                end = lower(end, true);
                                c = lower(c, true);
                            }
                            pi += 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else {
                            if (lower(p[pi] & 0xff, nocase) == lower(s[si] & 0xff, nocase)) {
                                matched = true;
                            }
                        }
                        pi++;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                    break;
                }
                case '\\':
                    if (pend - pi >= 2) {
                        pi++;
                    }
                    // fall through
                default:
                    if (lower(p[pi] & 0xff, nocase) != lower(s[si] & 0xff, nocase)) {
                        return false;
                    }
                    si++;
                    break;
            }
            pi++;
            if (si == send) {
                while (pi < pend && p[pi] == '*') {
                    pi++;
                }
                break;
            }
        }
        return pi == pend && si == send;
    }
}
