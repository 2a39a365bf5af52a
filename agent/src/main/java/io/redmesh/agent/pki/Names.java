package io.redmesh.agent.pki;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * The naming rules of RedMesh certificates, written once: node names, subjects
 * ({@code O=RedMesh, OU=<role>, CN=<name>}), the SPIFFE-style URI, IP literals.
 */
public final class Names {
    public static final String ORGANIZATION = "RedMesh";
    public static final String SPIFFE_PREFIX = "spiffe://redmesh/node/";
    /** A client's URI: not under {@link #SPIFFE_PREFIX}, so no node-to-node link accepts it. */
    public static final String CLIENT_SPIFFE_PREFIX = "spiffe://redmesh/client/";
    /** A node name is a DNS-label-like word, so it fits a CN, a URI path and a file name unescaped. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Names() {}

    /** Throws unless {@code name} is 1-63 characters of letters, digits, '.', '_', '-' (starting alphanumeric). */
    public static String checkNodeName(String name) throws PkiException {
        if (name == null || !NODE_NAME.matcher(name).matches()) {
            throw new PkiException("invalid node name '" + name
                    + "' (1-63 letters, digits, '.', '_' or '-', starting with a letter or digit)");
        }
        return name;
    }

    public static URI spiffeUri(String nodeName) {
        return URI.create(SPIFFE_PREFIX + nodeName);
    }

    /** The URI a leaf of {@code role} carries: a client's is not a node's. */
    public static URI spiffeUri(String name, Role role) {
        return role == Role.CLIENT ? URI.create(CLIENT_SPIFFE_PREFIX + name) : spiffeUri(name);
    }

    public static X500Name leafSubject(String name, Role role) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.OU, role.ou())
                .addRDN(BCStyle.CN, name)
                .build();
    }

    public static X500Name caSubject(String name) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, ORGANIZATION)
                .addRDN(BCStyle.CN, name)
                .build();
    }

    /** The subject's CN, or null when it has none. */
    public static String commonName(X509Certificate cert) {
        return attribute(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()), BCStyle.CN);
    }

    /** The role in the subject's OU, or null when absent or not a RedMesh role. */
    public static Role role(X509Certificate cert) {
        String ou = attribute(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()), BCStyle.OU);
        try {
            return ou == null ? null : Role.parse(ou);
        } catch (PkiException e) {
            return null;
        }
    }

    static String attribute(X500Name name, ASN1ObjectIdentifier oid) {
        RDN[] rdns = name.getRDNs(oid);
        if (rdns.length == 0) {
            return null;
        }
        ASN1Encodable v = rdns[0].getFirst().getValue();
        return IETFUtils.valueToString(v);
    }

    /**
     * An IP literal (dotted IPv4 or IPv6 with ':'), without ever asking DNS: a host name here is
     * an error, not a lookup.
     */
    public static InetAddress parseIp(String s) throws PkiException {
        if (s != null) {
            var m = IPV4.matcher(s);
            if (m.matches()) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(m.group(i + 1));
                    if (v > 255) {
                        throw new PkiException("invalid IP address '" + s + "'");
                    }
                    b[i] = (byte) v;
                }
                return address(b, s);
            }
            if (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+")) {
                try {
                    return InetAddress.getByName(s);
                } catch (UnknownHostException | RuntimeException e) {
                    throw new PkiException("invalid IP address '" + s + "'");
                }
            }
        }
        throw new PkiException("invalid IP address '" + s + "'");
    }

    static InetAddress address(byte[] b, String what) throws PkiException {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new PkiException("invalid IP address " + what);
        }
    }
}
