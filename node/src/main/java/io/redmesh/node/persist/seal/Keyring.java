package io.redmesh.node.persist.seal;

import java.util.ArrayList;
import java.util.List;

/**
 * The master keys a server knows: the active one seals every new file; all of them (the active
 * one, older keys listed in the key file, and keys retired by an online re-key until every file
 * has been re-wrapped) can open files.
 */
public final class Keyring {
    private final List<MasterKeyProvider> keys;

    /** @param keys the active key first, then keys for reading only */
    public Keyring(List<? extends MasterKeyProvider> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a keyring holds at least one key");
        }
        this.keys = List.copyOf(keys);
    }

    public static Keyring of(MasterKeyProvider... keys) {
        return new Keyring(List.of(keys));
    }

    public MasterKeyProvider active() {
        return keys.get(0);
    }

    public List<MasterKeyProvider> all() {
        return keys;
    }

    /** The key with this id, or null. */
    public MasterKeyProvider find(String keyId) {
        for (MasterKeyProvider k : keys) {
            if (k.keyId().equals(keyId)) {
                return k;
            }
        }
        return null;
    }

    /** This keyring, still able to read with {@code older}'s keys (during a re-key). */
    public Keyring plus(Keyring older) {
        List<MasterKeyProvider> l = new ArrayList<>(keys);
        for (MasterKeyProvider k : older.keys) {
            if (find(k.keyId()) == null) {
                l.add(k);
            }
        }
        return new Keyring(l);
    }

    /** The ids, comma separated (log and error messages). */
    public String ids() {
        StringBuilder sb = new StringBuilder();
        for (MasterKeyProvider k : keys) {
            sb.append(sb.length() == 0 ? "" : ", ").append('\'').append(k.keyId()).append('\'');
        }
        return sb.toString();
    }
}
