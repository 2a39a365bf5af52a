package io.redmesh.node.command;

import java.util.Locale;

/** Redis 7.0's ACL categories, in the order ACL CAT lists them. */
public enum AclCategory {
    KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB,
    ADMIN, FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

    public final long bit = 1L << ordinal();

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AclCategory fromWire(String s) {
        for (AclCategory c : values()) {
            if (c.wireName().equalsIgnoreCase(s)) {
                return c;
            }
        }
        return null;
    }
}
