package io.redmesh.agent.cert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redmesh.agent.pki.Keys;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.PkiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A node's request for a certificate, as it travels to an issuer (JSON, at most
 * {@value #MAX_BYTES} bytes). Authorised one of two ways:
 * <ul>
 * <li>first certificate: {@code token} is a one-time join token for the CSR's name;
 * <li>renewal: {@code chain} is the node's current chain and {@code proof} a signature by its
 *     current private key over the new CSR ({@link #proofInput}), so only the holder of a valid
 *     certificate for that name can renew it, whatever the transport.
 * </ul>
 */
public record IssueRequest(String csrPem, String token, String chainPem, byte[] proof) {
    public static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static IssueRequest withToken(PKCS10CertificationRequest csr, String token) {
        return new IssueRequest(Pem.csr(csr), token, null, null);
    }

    /** A renewal proven by the current key ({@code currentKey} signs, it is not sent). */
    public static IssueRequest renewal(PKCS10CertificationRequest csr, List<X509Certificate> currentChain,
                                       PrivateKey currentKey) throws PkiException {
        try {
            return new IssueRequest(Pem.csr(csr), null, Pem.certificates(currentChain),
                    Keys.sign(currentKey, proofInput(csr.getEncoded())));
        } catch (IOException e) {
            throw new PkiException("cannot encode the certificate request", e);
        }
    }

    /** What a renewal proof signs: a fixed context string, then the CSR's DER. */
    static byte[] proofInput(byte[] csrDer) {
        byte[] ctx = "redmesh-renewal-1\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[ctx.length + csrDer.length];
        System.arraycopy(ctx, 0, out, 0, ctx.length);
        System.arraycopy(csrDer, 0, out, ctx.length, csrDer.length);
        return out;
    }

    public byte[] encode() {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1);
        o.put("csr", csrPem);
        if (token != null) {
            o.put("token", token);
        }
        if (chainPem != null) {
            o.put("chain", chainPem);
        }
        if (proof != null) {
            o.put("proof", Base64.getEncoder().encodeToString(proof));
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static IssueRequest decode(byte[] bytes) throws PkiException {
        if (bytes == null || bytes.length == 0) {
            throw new PkiException("empty request");
        }
        if (bytes.length > MAX_BYTES) {
            throw new PkiException("request too large (" + bytes.length + " bytes, at most " + MAX_BYTES + ")");
        }
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException | RuntimeException e) {
            throw new PkiException("malformed request (not JSON)");
        }
        if (n == null || !n.isObject() || n.path("v").asInt() != 1 || !n.path("csr").isTextual()) {
            throw new PkiException("malformed request (expected {\"v\":1,\"csr\":...})");
        }
        byte[] proof = null;
        if (n.hasNonNull("proof")) {
            try {
                proof = Base64.getDecoder().decode(n.path("proof").asText());
            } catch (IllegalArgumentException e) {
                throw new PkiException("malformed request (proof is not base64)");
            }
        }
        return new IssueRequest(n.path("csr").asText(), text(n, "token"), text(n, "chain"), proof);
    }

    private static String text(JsonNode n, String field) throws PkiException {
        if (!n.hasNonNull(field)) {
            return null;
        }
        if (!n.get(field).isTextual()) {
            throw new PkiException("malformed request (" + field + " is not a string)");
        }
        return n.get(field).asText();
    }
}
