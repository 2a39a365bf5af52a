package io.redmesh.agent.record;

/** Bytes that are not a well-formed record (truncated, oversized, unknown format or kind). */
public final class RecordFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordFormatException(String message) {
        super(message);
    }
}
