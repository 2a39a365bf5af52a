package io.redmesh.replication.master;

import java.nio.charset.StandardCharsets;

/**
 * Encodes executed writes into the replication stream once, as Redis's replicationFeedSlaves:
 * RESP multibulk, with a SELECT whenever the database differs from the stream's (after a full
 * sync starts, the next write always carries one).
 */
final class StreamEncoder {
    private byte[] scratch = new byte[4096];
    private int n;
    /** The database the stream last selected (-1: none yet, force a SELECT). */
    private int selected = -1;

    void forceSelect() {
        selected = -1;
    }

    int selected() {
        return selected;
    }

    /** Encodes {@code argv} (with a SELECT first when needed) and appends it to {@code to}. */
    void feed(ReplicationBuffer to, int db, byte[][] argv) {
        n = 0;
        if (db >= 0 && db != selected) {
            byte[] d = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
            encode(new byte[][] {SELECT, d});
            selected = db;
        }
        encode(argv);
        to.append(scratch, 0, n);
        if (scratch.length > (1 << 20)) {
            scratch = new byte[4096]; // a huge value passed: don't keep its array
        }
    }

    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);

    private void encode(byte[][] argv) {
        int need = 16;
        for (byte[] a : argv) {
            need += a.length + 16;
        }
        ensure(need);
        scratch[n++] = '*';
        number(argv.length);
        for (byte[] a : argv) {
            scratch[n++] = '$';
            number(a.length);
            System.arraycopy(a, 0, scratch, n, a.length);
            n += a.length;
            scratch[n++] = '\r';
            scratch[n++] = '\n';
        }
    }

    private void number(int v) {
        if (v < 10) {
            scratch[n++] = (byte) ('0' + v);
        } else {
            byte[] d = Integer.toString(v).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(d, 0, scratch, n, d.length);
            n += d.length;
        }
        scratch[n++] = '\r';
        scratch[n++] = '\n';
    }

    private void ensure(int more) {
        if (n + more > scratch.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(scratch.length * 2, n + more));
        }
    }
}
