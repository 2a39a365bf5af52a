package io.redmesh.node.spi.link;

/** An outbound link could not be opened or was closed by a check; the message says why. */
public class LinkRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public LinkRefusedException(String message) {
        super(message);
    }

    public LinkRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
