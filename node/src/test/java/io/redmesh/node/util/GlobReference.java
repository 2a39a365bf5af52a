package io.redmesh.node.util;

/**
 * Redis 7.0.15's stringmatchlen_impl as Debian builds it (skipLongerMatches of CVE-2022-36021,
 * the nesting limit of CVE-2024-31228, C's signed char on x86-64), ported line by line as the
 * oracle {@link GlobPattern} is checked against. Exponential-free but recursive: tests only.
 */
final class GlobReference {
    private GlobReference() {}

    static boolean match(byte[] p, byte[] s, boolean nocase) {
        boolean[] skipLongerMatches = {false};
        return impl(p, 0, p.length, s, 0, s.length, nocase, skipLongerMatches, 0);
    }

    /** C's pattern[i] on an sds: the NUL terminator past the end. */
    private static int at(byte[] b, int i) {
        return i < b.length ? b[i] : 0;
    }

    private static int tolower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean impl(byte[] p, int pi, int plen, byte[] s, int si, int slen, boolean nocase,
                                boolean[] skip, int nesting) {
        if (nesting > 1000) {
            return false;
        }
        while (plen > 0 && slen > 0) {
            switch (at(p, pi)) {
                case '*': {
                    while (plen > 0 && at(p, pi + 1) == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (impl(p, pi + 1, plen - 1, s, si, slen, nocase, skip, nesting + 1)) {
                            return true;
                        }
                        if (skip[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skip[0] = true;
                    return false;
                }
                case '?':
                    si++;
                    slen--;
                    break;
                case '[': {
                    pi++;
                    plen--;
                    boolean not = at(p, pi) == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean match = false;
                    while (true) {
                        if (at(p, pi) == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (at(p, pi) == s[si]) {
                                match = true;
                            }
                        } else if (at(p, pi) == ']') {
                            break;
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (at(p, pi + 1) == '-' && plen >= 3) {
                            int start = at(p, pi);
                            int end = at(p, pi + 2);
                            int c = s[si];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = tolower(start);
                                end = tolower(end);
                                c = tolower(c);
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                match = true;
                            }
                        } else if (!nocase) {
                            if (at(p, pi) == s[si]) {
                                match = true;
                            }
                        } else if (tolower(at(p, pi)) == tolower(s[si])) {
                            match = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
                }
                case '\\':
                    if (plen >= 2) {
                        pi++;
                        plen--;
                    }
                    // fall through
                default:
                    if (!nocase) {
                        if (at(p, pi) != s[si]) {
                            return false;
                        }
                    } else if (tolower(at(p, pi)) != tolower(s[si])) {
                        return false;
                    }
                    si++;
                    slen--;
                    break;
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (at(p, pi) == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }
}
