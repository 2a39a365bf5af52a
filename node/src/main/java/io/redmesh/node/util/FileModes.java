package io.redmesh.node.util;

/** Octal file modes (unixsocketperm 700) as Java's permission sets. */
public final class FileModes {
    private FileModes() {}

    /** The permissions of an octal mode's low nine bits. */
    public static java.util.Set<java.nio.file.attribute.PosixFilePermission> of(long mode) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> s = new java.util.HashSet<>();
        java.nio.file.attribute.PosixFilePermission[] order = {
            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE,
            java.nio.file.attribute.PosixFilePermission.OTHERS_READ, java.nio.file.attribute.PosixFilePermission.GROUP_EXECUTE,
            java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.GROUP_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
            java.nio.file.attribute.PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1L << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

}
