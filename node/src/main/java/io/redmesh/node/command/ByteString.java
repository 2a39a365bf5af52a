package io.redmesh.node.command;

import io.redmesh.node.util.Bytes;
import java.util.Arrays;

/** An immutable byte string usable as a map key (channel names, watched keys). */
public final class ByteString implements Comparable<ByteString> {
    public final byte[] bytes;
    private final int hash;

    public ByteString(byte[] bytes) {
        this.bytes = bytes;
        long h = io.redmesh.node.util.SipHash.hash(bytes);
        this.hash = (int) (h ^ (h >>> 32)); // seeded: client-chosen names must not collide at will
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteString b && b.hash == hash && Arrays.equals(b.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(ByteString o) {
        return Bytes.compare(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return Bytes.latin1(bytes);
    }
}
