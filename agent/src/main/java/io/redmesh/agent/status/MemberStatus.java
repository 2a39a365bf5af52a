package io.redmesh.agent.status;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * What one agent says about itself, broadcast to the mesh every second and on change: enough
 * for {@code INFO security} and {@code redmesh mesh status} to show drift (two nodes with
 * different ACL digests) and certificates close to expiry at a glance.
 *
 * @param aclVersion the highest ACL record clock this node has applied (0: none yet)
 * @param aclDigest  hex digest of the ACL records it holds (equal digests, equal users)
 * @param certNotAfter epoch seconds when its current leaf expires (0: none)
 * @param replRole   its node's replication role ("master", "slave"; "" when unknown)
 * @param replMaster its node's master as "host:port" ("" for a master)
 * @param tlsPort    its node's TLS port, and {@code names} the DNS names and addresses its
 *                   certificate carries: where the others find it (a replica's master)
 */
public record MemberStatus(String name, String role, String node, long aclVersion, String aclDigest, int aclUsers,
                           String certSerial, long certNotAfter, int trustRoots, int revoked, int members,
                           boolean synced, long updatedMillis, String replRole, String replMaster, int tlsPort,
                           java.util.List<String> names) {

    /** Whether its node serves at host:port (the address a replica was told its master is at). */
    public boolean servesAt(String host, int port) {
        return tlsPort == port && names != null && names.contains(host);
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Null for bytes that are not a status (a peer's garbage must not break the table). */
    public static MemberStatus decode(byte[] bytes) {
        if (bytes == null || bytes.length > 16 * 1024) {
            return null;
        }
        try {
            return JSON.readValue(bytes, MemberStatus.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** Seconds until the leaf expires (negative when expired), relative to {@code nowMillis}. */
    public long certExpiresIn(long nowMillis) {
        return certNotAfter == 0 ? 0 : certNotAfter - nowMillis / 1000;
    }

    /** The clock's wall-time part (HLC: 48 bits of milliseconds, 16 bits of counter). */
    public static String formatVersion(long hlc) {
        return hlc == 0 ? "0" : (hlc >>> 16) + "." + (hlc & 0xffff);
    }
}
