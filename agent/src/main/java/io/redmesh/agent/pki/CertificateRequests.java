package io.redmesh.agent.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Node key pairs and certificate requests. The node makes both; only the request (public key,
 * name, addresses, self-signature) leaves it.
 */
public final class CertificateRequests {
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private CertificateRequests() {}

    /** What an issuer reads from a request, after checking its self-signature. */
    public record Parsed(PKCS10CertificationRequest csr, String commonName, PublicKey publicKey,
                         List<String> dnsNames, List<InetAddress> ips) {}

    /** A fresh EC P-256 key pair. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), Pem.RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable", e);
        }
    }

    /** A request for CN=name with the DNS names and IP literals as subjectAltName. */
    public static PKCS10CertificationRequest create(KeyPair keys, String name, List<String> dnsNames,
                                                    List<String> ips) throws PkiException {
        Names.checkNodeName(name);
        List<GeneralName> sans = new ArrayList<>();
        for (String d : dnsNames) {
            sans.add(new GeneralName(GeneralName.dNSName, d));
        }
        for (String ip : ips) {
            sans.add(new GeneralName(GeneralName.iPAddress, Names.parseIp(ip).getHostAddress()));
        }
        try {
            var b = new JcaPKCS10CertificationRequestBuilder(
                    new X500Name("CN=" + name), keys.getPublic());
            if (!sans.isEmpty()) {
                ExtensionsGenerator eg = new ExtensionsGenerator();
                eg.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, eg.generate());
            }
            return b.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate()));
        } catch (IOException | OperatorCreationException | IllegalArgumentException e) {
            throw new PkiException("cannot build the certificate request: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the request's self-signature and key type (EC P-256 or P-384) and reads its CN and
     * DNS/IP subjectAltNames. Other name types (URIs, e-mail) are ignored: the issuer sets the
     * URI itself.
     */
    public static Parsed parse(PKCS10CertificationRequest csr) throws PkiException {
        try {
            JcaPKCS10CertificationRequest j = new JcaPKCS10CertificationRequest(csr);
            PublicKey pub = j.getPublicKey();
            if (!(pub instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() < 256) {
                throw new PkiException("certificate request: the key must be EC P-256 or larger (found "
                        + pub.getAlgorithm() + ")");
            }
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(pub))) {
                throw new PkiException("certificate request: bad self-signature");
            }
            String cn = Names.attribute(csr.getSubject(), BCStyle.CN);
            if (cn == null) {
                throw new PkiException("certificate request: no CN in the subject");
            }
            List<String> dns = new ArrayList<>();
            List<InetAddress> ips = new ArrayList<>();
            for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                for (var v : a.getAttrValues()) {
                    Extensions exts = Extensions.getInstance(v);
                    GeneralNames gns = GeneralNames.fromExtensions(exts, Extension.subjectAlternativeName);
                    if (gns == null) {
                        continue;
                    }
                    for (GeneralName gn : gns.getNames()) {
                        if (gn.getTagNo() == GeneralName.dNSName) {
                            dns.add(DERIA5String.getInstance(gn.getName()).getString());
                        } else if (gn.getTagNo() == GeneralName.iPAddress) {
                            byte[] b = ASN1OctetString.getInstance(gn.getName()).getOctets();
                            if (b.length != 4 && b.length != 16) {
                                throw new PkiException("certificate request: malformed IP address SAN");
                            }
                            ips.add(Names.address(b, "in the request"));
                        }
                    }
                }
            }
            return new Parsed(csr, cn, pub, List.copyOf(dns), List.copyOf(ips));
        } catch (PkiException e) {
            throw e;
        } catch (GeneralSecurityException | OperatorCreationException | RuntimeException e) {
            throw new PkiException("certificate request: unreadable (" + Pem.reason(e) + ")", e);
        } catch (org.bouncycastle.pkcs.PKCSException e) {
            throw new PkiException("certificate request: bad self-signature", e);
        }
    }

    /** {@link Pem#parseCsr} then {@link #parse}. */
    public static Parsed parse(String pem, String what) throws PkiException {
        return parse(Pem.parseCsr(pem, what));
    }
}
