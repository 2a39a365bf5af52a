package io.redmesh.node.spi;

import java.util.List;

/**
 * Redis's sentinel mode ({@code redis-server --sentinel}, {@code redis-sentinel}) as the sentinel
 * module asks for it when the node is built ({@code Node.fromArgs(args, modules, sentinelMode)}).
 * The node then does what Redis does in that mode: the command table is Redis's sentinel table
 * (15 commands, SENTINEL among them), {@code port} starts at 26379 and {@code protected-mode} at
 * no, no dataset is loaded or saved, INFO has the server, clients, cpu, stats and sentinel
 * sections, {@code redis_mode} and HELLO's {@code mode} say "sentinel", the log's role letter is
 * 'X'. The module owns the {@code sentinel ...} lines of the configuration file: it receives them
 * while the file is read and writes them back when the file is rewritten.
 */
public interface SentinelMode {
    /**
     * A {@code sentinel ...} line of the configuration file (without the word "sentinel"), in file
     * order. Redis queues these and applies them once the whole file is read (its
     * sentinelHandleConfiguration in three passes), so nothing is checked here.
     *
     * @param lineNumber the line, as the FATAL CONFIG FILE ERROR report names it
     * @param line       the line as written (trimmed)
     */
    void queueDirective(List<String> argv, int lineNumber, String line);

    /** Applies the queued lines; the first refused one, or null. */
    DirectiveError applyDirectives();

    /**
     * The {@code sentinel ...} lines CONFIG REWRITE (SENTINEL FLUSHCONFIG) writes, in order, after
     * the user lines, as Redis's rewriteConfigSentinelOption. Every {@code sentinel <word>} line of
     * the old file whose option is not rewritten here is removed.
     */
    List<RewriteLine> rewriteLines();

    /** A refused line: Redis's report names it and gives the reason. */
    record DirectiveError(int lineNumber, String line, String reason) {}

    /**
     * @param option "sentinel monitor", "sentinel myid" ...: old lines of the same option are
     *               replaced in place, in order
     * @param force  written even when the old file had no line of this option
     */
    record RewriteLine(String option, String line, boolean force) {}
}
