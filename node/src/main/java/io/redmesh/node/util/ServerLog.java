package io.redmesh.node.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.util.Date;

/**
 * The server log, in redis-server's format ({@code pid:M 27 Nov 2026 18:55:10.123 * message}),
 * because operators and tools grep it. Levels: '.' debug, '-' verbose, '*' notice, '#' warning.
 */
public final class ServerLog {
    public enum Level { DEBUG('.'), VERBOSE('-'), NOTICE('*'), WARNING('#');
        final char mark;

        Level(char mark) {
            this.mark = mark;
        }
    }

    private static volatile PrintStream out = System.out;
    private static volatile Level minimum = Level.NOTICE;
    private static volatile char role = 'M';
    private static final long PID = ProcessHandle.current().pid();

    private ServerLog() {}

    /** "" logs to standard output, as Redis does; otherwise appends to the file. */
    public static void logfile(String path) throws IOException {
        if (path == null || path.isEmpty()) {
            out = System.out;
        } else {
            out = new PrintStream(new FileOutputStream(path, true), true, StandardCharsets.UTF_8);
        }
    }

    public static void level(String name) {
        minimum = switch (name) {
            case "debug" -> Level.DEBUG;
            case "verbose" -> Level.VERBOSE;
            case "warning" -> Level.WARNING;
            default -> Level.NOTICE;
        };
    }

    /** 'M' master, 'S' replica, 'X' sentinel, 'C' child. */
    public static void role(char r) {
        role = r;
    }

    public static long pid() {
        return PID;
    }

    /** The longest message a log line carries. */
    static final int MAX_LINE = 4096;

    public static void log(Level level, String message) {
        if (level.ordinal() < minimum.ordinal()) {
            return;
        }
        if (message.length() > MAX_LINE) {
            // Redis formats into LOG_MAX_LEN (1024) bytes; a line built from a client's argument
            // must not cost the heap or the disk what the argument did
            message = message.substring(0, MAX_LINE) + "... (" + (message.length() - MAX_LINE) + " more characters)";
        }
        String ts = new SimpleDateFormat("dd MMM yyyy HH:mm:ss.SSS", java.util.Locale.ENGLISH).format(new Date());
        out.println(PID + ":" + role + " " + ts + " " + level.mark + " " + message);
    }

    public static void notice(String m) {
        log(Level.NOTICE, m);
    }

    public static void warning(String m) {
        log(Level.WARNING, m);
    }

    public static void verbose(String m) {
        log(Level.VERBOSE, m);
    }

    public static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Redis logs malformed requests at verbose level, naming the client. */
    public static void protocolError(String client, String message) {
        verbose("Protocol error (" + message + ") from client: " + client);
    }
}
