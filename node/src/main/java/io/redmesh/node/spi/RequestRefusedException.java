package io.redmesh.node.spi;

/** The node refused what a module asked (bad ACL rules, unusable TLS files); the message says why. */
public class RequestRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RequestRefusedException(String message) {
        super(message);
    }

    public RequestRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
