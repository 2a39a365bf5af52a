package io.redmesh.replication;

import java.security.SecureRandom;

/**
 * The node's replication history, as Redis's server.replid / replid2 / second_replid_offset:
 * the id of the stream this dataset follows, and the id it followed before its last promotion
 * (valid up to second_replid_offset), which lets replicas of the old master continue with a
 * partial resync (PSYNC2). Guarded by the keyspace lock.
 */
public final class ReplicationIds {
    public static final String NONE = "0000000000000000000000000000000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();

    private String replid = random();
    private String replid2 = NONE;
    private long secondOffset = -1;

    /**
     * Whether a master's id can be ours: 40 characters as Redis checks (CONFIG_RUN_ID_SIZE), and
     * letters or digits, so that no id we record or offer to our replicas carries spaces or CRLF.
     */
    public static boolean wellFormed(String id) {
        if (id == null || id.length() != NONE.length()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!Character.isLetterOrDigit(id.charAt(i)) || id.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    /** A new random id (40 hex digits), as Redis's changeReplicationId(). */
    public static String random() {
        byte[] b = new byte[20];
        RANDOM.nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    /** second_repl_offset (-1 without a second id). */
    public long secondOffset() {
        return secondOffset;
    }

    /** Takes the master's id (a full sync; +CONTINUE naming a new id after shift). */
    public void follow(String id) {
        replid = id;
    }

    /**
     * shiftReplicationId(): the current id becomes the second one, valid up to and including
     * {@code offset} (so second_repl_offset is offset+1, the first byte of the new history), and
     * a new random id starts.
     */
    public void shift(long offset) {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = random();
    }

    /** +CONTINUE with a new id: the old one becomes the second id (as shift, but the id is given). */
    public void shiftTo(String newId, long offset) {
        replid2 = replid;
        secondOffset = offset + 1;
        replid = newId;
    }

    /** clearReplicationId2(). */
    public void clearSecond() {
        replid2 = NONE;
        secondOffset = -1;
    }

    /**
     * Whether a PSYNC for {@code id} at {@code from} (the next byte wanted) belongs to this
     * history: the current id, or the second one up to where it ended.
     */
    public boolean sameHistory(String id, long from) {
        return id.equalsIgnoreCase(replid) || (id.equalsIgnoreCase(replid2) && from <= secondOffset);
    }
}
