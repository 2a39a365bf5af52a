package io.redmesh.node.spi;

/** A section an upper part adds to INFO (replication, cluster, security ...). */
public interface InfoSection {
    /** Lower-case section name, e.g. "replication". */
    String name();

    /** The section's "field:value\r\n" lines, without the "# Name" header. */
    String render();
}
