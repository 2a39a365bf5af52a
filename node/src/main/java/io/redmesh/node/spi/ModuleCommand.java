package io.redmesh.node.spi;

/**
 * The handler of a command a module implements (REPLICAOF, PSYNC, WAIT ...). The command must be
 * declared in Redis's command table (its arity, flags, ACL categories and key specs come from
 * there, never from the module). Runs under the keyspace lock, on the client's I/O thread, after
 * every check Redis's processCommand() makes (arity, authentication, ACL, the gates).
 */
@FunctionalInterface
public interface ModuleCommand {
    void execute(ModuleCall call);
}
