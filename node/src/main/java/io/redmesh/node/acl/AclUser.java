package io.redmesh.node.acl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An ACL user (Redis's struct user): flags, password hashes and selectors (the root selector
 * first). Passwords are only ever held as lower-case hex SHA-256 digests; the clear text given
 * to {@code >pass} or AUTH is hashed at once and never stored or printed.
 */
public final class AclUser {
    static final int ENABLED = 1;
    static final int DISABLED = 2;
    static final int NOPASS = 4;
    static final int SANITIZE_PAYLOAD_SKIP = 8;
    static final int SANITIZE_PAYLOAD = 16;
    /** RedMesh: only a verified client certificate may log in as this user (never AUTH). */
    static final int CERTONLY = 32;

    /**
     * ACLUserFlags[]: the order flags are printed by ACL LIST / GETUSER. "certonly" sits right
     * after on/off so a line that has it still re-loads anywhere a flag may stand.
     */
    static final int[] FLAG_ORDER = {ENABLED, DISABLED, CERTONLY, NOPASS, SANITIZE_PAYLOAD_SKIP, SANITIZE_PAYLOAD};
    static final String[] FLAG_NAMES = {"on", "off", "certonly", "nopass", "skip-sanitize-payload", "sanitize-payload"};

    final String name;
    int flags;
    /** SHA-256 hex digests, in the order they were added. */
    final List<String> passwords = new ArrayList<>();
    final List<AclSelector> selectors = new ArrayList<>();

    AclUser(String name, int commandCount, int pubsubDefault) {
        this.name = name;
        this.flags = DISABLED;
        selectors.add(new AclSelector(commandCount, AclSelector.FLAG_ROOT | pubsubDefault));
    }

    public String name() {
        return name;
    }

    public AclSelector root() {
        return selectors.get(0);
    }

    public List<AclSelector> selectors() {
        return selectors;
    }

    public List<String> passwordHashes() {
        return passwords;
    }

    public boolean enabled() {
        return (flags & DISABLED) == 0;
    }

    public boolean nopass() {
        return (flags & NOPASS) != 0;
    }

    public boolean certOnly() {
        return (flags & CERTONLY) != 0;
    }

    /** The flag names ACL GETUSER lists, in Redis's order. */
    public List<String> flagNames() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLAG_ORDER.length; i++) {
            if ((flags & FLAG_ORDER[i]) != 0) {
                out.add(FLAG_NAMES[i]);
            }
        }
        return out;
    }

    /**
     * Whether the root selector alone allows every command, key and channel: the common case
     * the per-command check short-circuits on.
     */
    public boolean unrestricted() {
        AclSelector r = root();
        return r.allCommands() && r.allKeys() && r.allChannels();
    }

    /** ACLCopyUser(): this user takes {@code src}'s rules (the name stays). */
    void copyFrom(AclUser src) {
        flags = src.flags;
        passwords.clear();
        passwords.addAll(src.passwords);
        selectors.clear();
        for (AclSelector s : src.selectors) {
            selectors.add(s.copy());
        }
    }

    AclUser copyNamed(String newName) {
        AclUser u = new AclUser(newName, root().futureBit, 0);
        u.copyFrom(this);
        return u;
    }

    /**
     * ACLCheckUserCredentials() for a password: enabled, then nopass, then any stored digest
     * equal to the digest of {@code password}, compared in constant time (MessageDigest.isEqual
     * over fixed-length digests, every stored hash visited).
     */
    boolean passwordMatches(byte[] password) {
        if (nopass()) {
            return true;
        }
        byte[] given = HexFormat.of().formatHex(sha256(password)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        boolean ok = false;
        for (String h : passwords) {
            ok |= MessageDigest.isEqual(given, h.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return ok;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ACLHashPassword(): lower-case hex SHA-256. */
    static String hash(byte[] clear) {
        return HexFormat.of().formatHex(sha256(clear));
    }

    @Override
    public String toString() {
        return "AclUser[" + name + "]"; // never the passwords
    }
}
