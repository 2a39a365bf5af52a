package io.redmesh.node.tls;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The ACL user name a verified client certificate stands for ({@code tls-auth-clients-user}):
 * its subject CN, or its one URI subject alternative name (a SPIFFE ID such as
 * {@code spiffe://prod.example/ns/cache/sa/api}).
 *
 * <p>Hardened against the ambiguities that let one certificate pass for another name: a
 * subject with more than one CN (anywhere, multi-valued RDNs included), a CN or URI holding a
 * NUL byte (C code reading the name stops there: "admin\0.evil" would read as "admin"), a
 * certificate with more than one URI SAN, and empty names are never mapped. Only the first
 * (leaf) certificate of a chain the TLS layer has verified may be passed here.
 */
public final class CertificateIdentity {
    /** Which part of the certificate names the user. */
    public enum Mode {
        OFF, CN, URI;

        /** The directive's value ("off", "cn", "uri", case-insensitive as Redis enums are). */
        public static Mode of(String v) {
            return valueOf(v.toUpperCase(Locale.ROOT));
        }
    }

    /** The outcome: the user name, or null and why not (for the ACL LOG and the server log). */
    public record Result(String user, String refusal) {
        static Result ok(String user) {
            return new Result(user, null);
        }

        static Result refused(String why) {
            return new Result(null, why);
        }

        public boolean mapped() {
            return user != null;
        }
    }

    /** X.509 GeneralName tag of uniformResourceIdentifier. */
    private static final int SAN_URI = 6;

    private CertificateIdentity() {}

    public static Result of(X509Certificate leaf, Mode mode) {
        return switch (mode) {
            case OFF -> Result.refused("certificate mapping is off");
            case CN -> commonName(leaf);
            case URI -> uri(leaf);
        };
    }

    private static Result commonName(X509Certificate leaf) {
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        List<ASN1Encodable> cns = new ArrayList<>();
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(BCStyle.CN)) {
                    cns.add(atv.getValue());
                }
            }
        }
        if (cns.isEmpty()) {
            return Result.refused("the certificate subject has no CN");
        }
        if (cns.size() > 1) {
            return Result.refused("the certificate subject has " + cns.size() + " CNs");
        }
        if (!(cns.get(0) instanceof ASN1String str)) {
            return Result.refused("the certificate CN is not a string");
        }
        return checked(str.getString(), "CN");
    }

    private static Result uri(X509Certificate leaf) {
        Collection<List<?>> sans;
        try {
            sans = leaf.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return Result.refused("the certificate's subject alternative names cannot be parsed");
        }
        List<String> uris = new ArrayList<>();
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() >= 2 && san.get(0) instanceof Integer tag && tag == SAN_URI) {
                    uris.add(String.valueOf(san.get(1)));
                }
            }
        }
        if (uris.isEmpty()) {
            return Result.refused("the certificate has no URI subject alternative name");
        }
        if (uris.size() > 1) {
            return Result.refused("the certificate has " + uris.size() + " URI subject alternative names");
        }
        return checked(uris.get(0), "URI");
    }

    private static Result checked(String name, String what) {
        if (name.isEmpty()) {
            return Result.refused("the certificate " + what + " is empty");
        }
        if (name.indexOf('\0') >= 0) {
            return Result.refused("the certificate " + what + " contains a NUL byte");
        }
        // ACL user names are byte strings (held one char per byte, as AUTH's argument arrives):
        // the name a certificate gives is its UTF-8 bytes, so "jos\u00e9" maps to the user a
        // UTF-8 client created as "jos\u00e9", not to one whose name is the single byte 0xE9.
        return Result.ok(new String(name.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
}
