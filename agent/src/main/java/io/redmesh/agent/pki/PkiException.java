package io.redmesh.agent.pki;

/**
 * A PKI operation failed for a reason an operator can act on: the message says which file or
 * input and what was wrong ("wrong passphrase for ca.key", "not a certificate request"). Every
 * parser in this package turns malformed input into this exception, never into a runtime one.
 */
public final class PkiException extends Exception {
    private static final long serialVersionUID = 1L;

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
