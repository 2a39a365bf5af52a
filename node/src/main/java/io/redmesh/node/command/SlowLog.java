package io.redmesh.node.command;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/** SLOWLOG entries (Redis's slowlog.c): newest first, bounded by slowlog-max-len. */
public final class SlowLog {
    /** One logged command; arguments already truncated as Redis truncates them. */
    public record Entry(long id, long timestampSeconds, long durationMicros, byte[][] argv, String peer, String name) {}

    private static final int MAX_ARGC = 32;
    private static final int MAX_ARG_LEN = 128;

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public synchronized void add(byte[][] argv, long micros, String peer, byte[] clientName, int maxLen) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (argc != argv.length && i == argc - 1) {
                kept[i] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes();
            } else if (argv[i].length > MAX_ARG_LEN) {
                String more = "... (" + (argv[i].length - MAX_ARG_LEN) + " more bytes)";
                byte[] b = new byte[MAX_ARG_LEN + more.length()];
                System.arraycopy(argv[i], 0, b, 0, MAX_ARG_LEN);
                System.arraycopy(more.getBytes(), 0, b, MAX_ARG_LEN, more.length());
                kept[i] = b;
            } else {
                kept[i] = argv[i];
            }
        }
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, micros, kept, peer,
                clientName == null ? "" : new String(clientName, java.nio.charset.StandardCharsets.ISO_8859_1)));
        trim(maxLen);
    }

    public synchronized void trim(int maxLen) {
        while (entries.size() > maxLen) {
            entries.removeLast();
        }
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void reset() {
        entries.clear();
    }

    public synchronized java.util.List<Entry> newest(int count) {
        java.util.List<Entry> out = new java.util.ArrayList<>();
        Iterator<Entry> it = entries.iterator();
        while (it.hasNext() && (count < 0 || out.size() < count)) {
            out.add(it.next());
        }
        return out;
    }
}
