package io.redmesh.node.command;

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
            sb.append(' ').append(repr(a));
        }
        String line = sb.toString();
        for (Session m : server.monitors) {
            m.deliver(r -> r.simple(line));
        }
    }

    /** sdscatrepr(): a quoted, escaped rendering of a byte string. */
    static String repr(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case '\b': sb.append("\\b"); break;
                default:
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
            }
        }
        return sb.append('"').toString();
    }

    static String reprString(String s) {
        return repr(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
