package io.redmesh.node.script;

/**
 * How a script's redis.call() reaches the server: the command layer runs the command as the
 * script's caller through Redis 7.0's scriptCall() checks and the dispatcher's call().
 */
public interface CommandRunner {
    /** A command refused before it ran; the line is "-CODE message" or a bare message (ERR). */
    final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Refused(String line) {
            super(line, null, false, false);
        }
    }

    /**
     * Runs {@code argv} for the script; returns its raw reply in protocol {@code resp}.
     *
     * @throws Refused when scriptCall()'s checks refuse it
     */
    byte[] call(ScriptRun run, byte[][] argv, int resp);

    /** redis.acl_check_cmd(): whether the caller's user may run argv; null when no such command. */
    Boolean aclAllows(ScriptRun run, byte[][] argv);
}
