package io.redmesh.node.db;

import java.util.function.Consumer;

/**
 * What the sorted-set algebra (ZUNION, ZINTER, ZDIFF and their STORE forms, ZINTERCARD) needs
 * from a plain SET given as an input: Redis accepts sets there and gives every member score 1.
 * The SET value type implements it so t_zset-style code need not know its encodings.
 */
public interface SetMembers extends Sized {
    boolean containsMember(byte[] member);

    /** Visits every member once (any order; the visitor must not modify the set). */
    void forEachMember(Consumer<byte[]> visitor);
}
