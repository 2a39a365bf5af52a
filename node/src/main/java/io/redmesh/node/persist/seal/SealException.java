package io.redmesh.node.persist.seal;

import java.io.IOException;

/**
 * A sealed file that cannot be trusted or opened. Every message names the file (when known) and
 * says which check failed, so that an operator reading the start-up log knows whether the key,
 * the header, or the body is at fault.
 */
public final class SealException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What failed; one distinct message shape per reason. */
    public enum Reason {
        /** Not a sealed file, or an unsupported format version. */
        NOT_SEALED,
        /** The header is malformed (bad lengths, bad segment size). */
        BAD_HEADER,
        /** The file was sealed with a master key id that is not configured. */
        UNKNOWN_KEY,
        /** The key id is configured but its key material is not the one the file was sealed with. */
        WRONG_KEY,
        /** The wrapped data key does not authenticate: the header was altered. */
        HEADER_TAMPERED,
        /** A segment's tag does not verify: its bytes, or the header, were altered. */
        TAMPERED,
        /** A segment authenticates, but at another position: segments were reordered. */
        REORDERED,
        /** The file ends without its final segment (cut at a segment boundary). */
        TRUNCATED,
        /** The file ends inside a segment. */
        TRUNCATED_SEGMENT,
        /** Bytes follow the final segment that are not a chained continuation. */
        TRAILING_DATA,
        /** A plaintext file where sealing is required. */
        PLAINTEXT_REFUSED,
        /** The key file or key provider is unusable. */
        KEY_FILE
    }

    private final Reason reason;

    public SealException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SealException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The same failure, prefixed with the file it happened in. */
    public SealException in(Object file) {
        SealException e = new SealException(reason, file + ": " + getMessage(), getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }
}
