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
 */
public record MemberStatus(String name, String role, String node, long aclVersion, String aclDigest, int aclUsers,
                           String certSerial, long certNotAfter, int trustRoots, int revoked, int members,
                           boolean synced, long updatedMillis) {

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
