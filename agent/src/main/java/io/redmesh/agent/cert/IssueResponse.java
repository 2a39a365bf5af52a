package io.redmesh.agent.cert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.redmesh.agent.pki.PkiException;
import java.io.IOException;

/**
 * An issuer's answer: the new chain {@code [leaf, issuing CA]} and the trust bundle (PEM), or
 * an error saying why the request was refused. JSON on the wire.
 */
public record IssueResponse(String chainPem, String trustPem, String error) {
    public static final int MAX_BYTES = 128 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    public static IssueResponse ok(String chainPem, String trustPem) {
        return new IssueResponse(chainPem, trustPem, null);
    }

    public static IssueResponse error(String message) {
        return new IssueResponse(null, null, message);
    }

    public boolean isOk() {
        return error == null;
    }

    public byte[] encode() {
        ObjectNode o = JSON.createObjectNode();
        if (error != null) {
            o.put("error", error);
        } else {
            o.put("chain", chainPem);
            o.put("trust", trustPem);
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static IssueResponse decode(byte[] bytes) throws PkiException {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new PkiException("issuer response: empty or too large");
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n != null && n.path("error").isTextual()) {
                return error(n.get("error").asText());
            }
            if (n == null || !n.path("chain").isTextual() || !n.path("trust").isTextual()) {
                throw new PkiException("issuer response: malformed");
            }
            return ok(n.get("chain").asText(), n.get("trust").asText());
        } catch (IOException | RuntimeException e) {
            throw new PkiException("issuer response: malformed");
        }
    }
}
