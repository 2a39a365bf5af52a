package io.redmesh.node.command.family;

import io.redmesh.node.db.Database;
import io.redmesh.node.db.DictEntry;
import io.redmesh.node.db.HashValue;
import io.redmesh.node.db.Keyspace;
import io.redmesh.node.db.ListValue;
import io.redmesh.node.db.SetValue;
import io.redmesh.node.db.ZSetValue;
import io.redmesh.node.db.stream.StreamValue;
import io.redmesh.node.db.stream.StreamId;
import io.redmesh.node.util.Doubles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * DEBUG DIGEST and DIGEST-VALUE: Redis 7.0's computeDatasetDigest() and xorObjectDigest(), step
 * for step, so that the same dataset gives the same 40 hex digits on both servers (tests compare
 * a replica, a reloaded dataset or an RDB moved between the two with one line).
 *
 * <p>The digest of a key is SHA1-chained ("mixed") over its name, its type number and, in order,
 * what order means for the type (list elements, stream entries); the SHA1s of unordered members
 * (set members, hash field-value pairs, sorted-set member-score pairs) are XORed in, so the hash
 * table's order does not matter. Databases are mixed in by number, keys XORed. Values are read as their client sees
 * them (an intset member as its decimal text, a score as %.17g), which is why the encodings do
 * not change a digest.
 */
final class DatasetDigest {
    private static final int OBJ_STRING = 0;
    private static final int OBJ_LIST = 1;
    private static final int OBJ_SET = 2;
    private static final int OBJ_ZSET = 3;
    private static final int OBJ_HASH = 4;
    private static final int OBJ_STREAM = 6;
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha1;

    private DatasetDigest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    /** computeDatasetDigest(): 20 zero bytes for an empty keyspace. */
    static byte[] dataset(Keyspace ks) {
        DatasetDigest d = new DatasetDigest();
        byte[] all = new byte[20];
        for (Database db : ks.all()) {
            if (db.size() == 0) {
                continue;
            }
            d.mix(all, int32(db.index));
            db.dict().forEach(e -> {
                byte[] digest = new byte[20];
                d.mix(digest, e.key);
                d.object(db, e, digest);
                d.xorSha(all, digest);
            });
        }
        return all;
    }

    /** DEBUG DIGEST-VALUE's digest of one key's value (20 zero bytes for a missing key). */
    static byte[] value(Database db, DictEntry e) {
        byte[] digest = new byte[20];
        if (e != null) {
            new DatasetDigest().object(db, e, digest);
        }
        return digest;
    }

    static String hex(byte[] digest) {
        StringBuilder sb = new StringBuilder(40);
        for (byte b : digest) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** xorObjectDigest(). */
    private void object(Database db, DictEntry e, byte[] digest) {
        Object v = e.value;
        if (v instanceof byte[] s) {
            mix(digest, int32(OBJ_STRING));
            mix(digest, s);
        } else if (v instanceof ListValue l) {
            mix(digest, int32(OBJ_LIST));
            int n = l.length();
            for (int i = 0; i < n; i++) {
                mix(digest, l.get(i));
            }
        } else if (v instanceof SetValue s) {
            mix(digest, int32(OBJ_SET));
            s.forEach(m -> xorSha(digest, m));
        } else if (v instanceof ZSetValue z) {
            mix(digest, int32(OBJ_ZSET));
            z.forEach((m, score) -> {
                byte[] ele = new byte[20];
                mix(ele, m);
                mix(ele, Doubles.formatG17(score).getBytes(StandardCharsets.US_ASCII));
                xorSha(digest, ele);
            });
        } else if (v instanceof HashValue h) {
            mix(digest, int32(OBJ_HASH));
            h.forEach((f, val) -> {
                byte[] ele = new byte[20];
                mix(ele, f);
                mix(ele, val);
                xorSha(digest, ele);
            });
        } else if (v instanceof StreamValue s) {
            mix(digest, int32(OBJ_STREAM));
            s.range(StreamId.MIN, StreamId.MAX, false, false, entry -> {
                StreamId id = entry.id();
                mix(digest, (Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq()))
                        .getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < entry.fields().length; i++) {
                    mix(digest, entry.fields()[i]);
                    mix(digest, entry.values()[i]);
                }
                return true;
            });
        } else {
            throw new IllegalStateException("no digest for " + v.getClass().getName());
        }
        if (e.expireAt != 0) {
            xorSha(digest, EXPIRE_MARK);
        }
    }

    /** mixDigest(): XOR in SHA1(data), then replace the digest with SHA1(digest). */
    private void mix(byte[] digest, byte[] data) {
        xorSha(digest, data);
        sha1.reset();
        sha1.update(digest);
        System.arraycopy(sha1.digest(), 0, digest, 0, 20);
    }

    /** xorDigest(): XOR in SHA1(data). */
    private void xorSha(byte[] digest, byte[] data) {
        sha1.reset();
        xor(digest, sha1.digest(data));
    }

    private static void xor(byte[] digest, byte[] other) {
        for (int i = 0; i < 20; i++) {
            digest[i] ^= other[i];
        }
    }

    /** htonl(n) as Redis mixes it. */
    private static byte[] int32(int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }
}
