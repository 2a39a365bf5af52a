package io.redmesh.node.persist.seal;

/** What a persistence file holds; encryption at rest ({@code encryption-seal}) may seal each kind or not. */
public enum FileKind { RDB, AOF, TEMP }
