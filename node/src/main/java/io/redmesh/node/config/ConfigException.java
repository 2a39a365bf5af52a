package io.redmesh.node.config;

/** A refused directive value; the message is the reason Redis prints after the argument name. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String reason) {
        super(reason, null, false, false);
    }
}
