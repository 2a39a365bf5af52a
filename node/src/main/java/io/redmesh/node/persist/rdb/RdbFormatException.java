package io.redmesh.node.persist.rdb;

/** The RDB data (a file or a DUMP payload) is not what Redis would have written. */
public class RdbFormatException extends RuntimeException {
    public RdbFormatException(String message) {
        super(message);
    }
}
