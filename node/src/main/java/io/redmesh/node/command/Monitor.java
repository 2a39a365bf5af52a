package io.redmesh.node.command;

import io.redmesh.node.util.Sds;
import java.nio.charset.StandardCharsets;

/** MONITOR output: one status line per executed command, formatted as Redis formats it. */
final class Monitor {
    private Monitor() {}

    static void feed(ServerContext server, Session source, byte[][] argv) {
        java.time.Instant now = java.time.Instant.now();
        StringBuilder sb = new StringBuilder();
        sb.append(now.getEpochSecond()).append('.').append(String.format("%06d", now.getNano() / 1000));
        sb.append(" [").append(source.db().index).append(' ');
        sb.append(source.transport.remoteAddress().isEmpty() ? "unix" : source.transport.remoteAddress());
        sb.append(']');
        for (byte[] a : argv) {
            sb.append(' ').append(Sds.repr(a));
        }
        String line = sb.toString();
        for (Session m : server.monitors) {
            m.deliver(r -> r.simple(line));
        }
    }


    static String reprString(String s) {
        return Sds.repr(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
