package io.redmesh.agent.record;

import java.util.Arrays;
import java.util.Objects;

/**
 * One versioned piece of security state: (kind, key) names it, the version orders changes to
 * it, and the value is opaque bytes, or null for a tombstone (the key was deleted at that
 * version). Value arrays are never modified after construction.
 */
public record Record(RecordKind kind, String key, Version version, byte[] value) {
    public Record {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
    }

    public boolean tombstone() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && kind == r.kind && key.equals(r.key) && version.equals(r.version)
                && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, key, version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return kind + "/" + key + "@" + version + (value == null ? " (deleted)" : " (" + value.length + " bytes)");
    }
}
