package io.redmesh.node.command;

/**
 * A group of related commands (strings, lists, CLIENT ...) that binds its handlers to the names
 * the command table declares. One class per family, named after it.
 */
public interface CommandFamily {
    void register(CommandTable.Binder binder);
}
