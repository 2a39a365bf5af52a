package io.redmesh.cluster.bus;

import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * The bus's identity rule under {@code tls-cluster yes} (beyond Redis): the CA vouches for the
 * certificate, and the certificate must also say that its holder is a node of the mesh: a URI
 * subject alternative name under {@code spiffe://redmesh/node/}, which the agent issues to nodes
 * only. A client certificate of the same CA (a user's) therefore cannot MEET in or send FAIL and
 * UPDATE messages (the attack redis/redis PR #15492 closes with tls-expected-peer-name).
 */
public final class PeerIdentity {
    public static final String NODE_PREFIX = "spiffe://redmesh/node/";
    private static final int URI = 6;

    private PeerIdentity() {}

    /** The node name the certificate proves, or null when it proves none. */
    public static String nodeName(Certificate[] chain) {
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return null;
        }
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans == null) {
                return null;
            }
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer kind && kind == URI
                        && san.get(1) instanceof String uri && uri.startsWith(NODE_PREFIX)
                        && uri.length() > NODE_PREFIX.length()) {
                    return uri.substring(NODE_PREFIX.length());
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }
}
