package io.redmesh.node.util;

/**
 * Ends a command that was asked to stop while it held the server lock (the watchdog interrupts
 * its thread when SHUTDOWN or a signal must not wait for it). Long loops (pattern matching, key
 * enumeration) look at their thread's interrupt flag from time to time and throw this; the
 * dispatcher answers it as an error and clears the flag.
 */
public final class CommandInterruptedException extends RedisException {
    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "ERR command interrupted: the server is shutting down";

    public CommandInterruptedException() {
        super(MESSAGE);
    }

    /** Throws when the current thread was interrupted (and clears the flag, as the throw handles it). */
    public static void check() {
        if (Thread.interrupted()) {
            throw new CommandInterruptedException();
        }
    }
}
