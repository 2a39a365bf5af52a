package io.redmesh.node.spi.tls;

/** TLS material that cannot be used: the message says which file and why. */
public class TlsMaterialException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsMaterialException(String message) {
        super(message);
    }
}
