package io.redmesh.node.db.stream;

/** One entry read from a stream: its ID and its field-value pairs (fields[i] -> values[i]). */
public record StreamEntry(StreamId id, byte[][] fields, byte[][] values) {}
