package io.redmesh.node.spi;

/**
 * A module's commands, bound when the node builds its command table
 * ({@code Node.fromArgs(args, modules)}): a command declared by Redis and implemented by no part
 * is not in the table at all, as in a Redis built without it.
 */
@FunctionalInterface
public interface ModuleCommands {
    void register(Binder binder);

    /** Binds handlers to declared names ("wait", "replconf", "client|kill"). */
    interface Binder {
        /**
         * @throws IllegalArgumentException when the name is not declared in the command table, or
         *         is already implemented (by the node or another module): nothing is shadowed
         */
        Binder bind(String fullName, ModuleCommand handler);
    }
}
