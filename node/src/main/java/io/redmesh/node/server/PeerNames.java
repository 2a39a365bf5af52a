package io.redmesh.node.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The names a peer certificate proves (its subject alternative names), and whether one of them
 * is the name a link expects: a DNS name (one leading "*." label matches one label, as RFC 6125),
 * an IP address (compared as addresses, so "::1" equals "0:0:0:0:0:0:0:1") or a URI such as the
 * mesh's spiffe:// identity (compared exactly). The subject CN is never consulted.
 */
public final class PeerNames {
    private static final int DNS = 2;
    private static final int URI = 6;
    private static final int IP = 7;

    private PeerNames() {}

    /** Whether {@code cert} carries {@code expected} in a SAN. */
    public static boolean matches(X509Certificate cert, String expected) {
        for (Object[] san : sans(cert)) {
            int type = (Integer) san[0];
            String value = (String) san[1];
            if (type == DNS && dnsMatches(value, expected)) {
                return true;
            }
            if (type == URI && value.equals(expected)) {
                return true;
            }
            if (type == IP && ipMatches(value, expected)) {
                return true;
            }
        }
        return false;
    }

    /** The SANs as "DNS:x", "IP:y", "URI:z", for log lines. */
    public static List<String> describe(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        for (Object[] san : sans(cert)) {
            int type = (Integer) san[0];
            String prefix = type == DNS ? "DNS:" : type == IP ? "IP:" : type == URI ? "URI:" : null;
            if (prefix != null) {
                out.add(prefix + san[1]);
            }
        }
        return out;
    }

    private static List<Object[]> sans(X509Certificate cert) {
        List<Object[]> out = new ArrayList<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    if (san.size() >= 2 && san.get(0) instanceof Integer t && san.get(1) instanceof String v) {
                        out.add(new Object[] {t, v});
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // a certificate whose SANs cannot be read proves no name
        }
        return out;
    }

    static boolean dnsMatches(String san, String expected) {
        String s = san.toLowerCase(Locale.ROOT);
        String e = expected.toLowerCase(Locale.ROOT);
        if (s.equals(e)) {
            return true;
        }
        if (s.startsWith("*.") && s.length() > 2) {
            int dot = e.indexOf('.');
            return dot > 0 && e.substring(dot + 1).equals(s.substring(2));
        }
        return false;
    }

    private static boolean ipMatches(String san, String expected) {
        if (!looksLikeIp(expected)) {
            return false;
        }
        try {
            return InetAddress.getByName(san).equals(InetAddress.getByName(expected));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Only literal addresses are compared (getByName must not resolve a name). */
    private static boolean looksLikeIp(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}
