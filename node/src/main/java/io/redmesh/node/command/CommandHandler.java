package io.redmesh.node.command;

/** Runs one command against the keyspace and writes its reply; may throw RedisException. */
@FunctionalInterface
public interface CommandHandler {
    void execute(CommandContext c);
}
