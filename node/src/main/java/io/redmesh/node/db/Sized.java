package io.redmesh.node.db;

/** A collection value that keeps a running estimate of the bytes it holds, for used_memory. */
public interface Sized {
    /** Estimated bytes of the collection and its elements, maintained incrementally. */
    long bytes();

    /** Number of elements. */
    int length();

    /** Redis's OBJECT ENCODING name for the current representation. */
    String encoding();

    /** Redis's TYPE name. */
    String typeName();

    /** A deep copy (COPY command). */
    Sized copy();
}
