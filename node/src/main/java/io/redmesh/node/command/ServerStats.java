package io.redmesh.node.command;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Server-wide counters shown by INFO stats / errorstats and reset by CONFIG RESETSTAT. */
public final class ServerStats {
    public long totalConnections;
    public long rejectedConnections;
    public long totalCommands;
    public long netInputBytes;
    public long netOutputBytes;
    /** Replication traffic (INFO total_net_repl_input/output_bytes): the master stream in, replica streams out. */
    public volatile long netReplInputBytes;
    public volatile long netReplOutputBytes;
    /** Full and partial resyncs served, and PSYNCs refused (INFO sync_full, sync_partial_ok/err). */
    public volatile long syncFull;
    public volatile long syncPartialOk;
    public volatile long syncPartialErr;
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    public long tlsHandshakesOk;
    public long tlsHandshakesFailed;
    public long peakUsedMemory;
    private final Map<String, Long> errors = new HashMap<>();

    /**
     * Counts an error reply by its code (the first word), as INFO errorstats shows it. Synchronized:
     * a protocol error is answered on its I/O thread, outside the server lock.
     */
    public synchronized void countError(String line) {
        totalErrorReplies++;
        int sp = line.indexOf(' ');
        String code = sp < 0 ? line : line.substring(0, sp);
        if (errors.size() >= 128 && !errors.containsKey(code)) {
            return; // Redis caps distinct error codes to protect memory
        }
        errors.merge(code, 1L, Long::sum);
    }

    public synchronized Map<String, Long> errorCounts() {
        return new TreeMap<>(errors);
    }

    public synchronized void reset() {
        totalConnections = 0;
        rejectedConnections = 0;
        totalCommands = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        netReplInputBytes = 0;
        netReplOutputBytes = 0;
        syncFull = 0;
        syncPartialOk = 0;
        syncPartialErr = 0;
        totalErrorReplies = 0;
        unexpectedErrorReplies = 0;
        tlsHandshakesOk = 0;
        tlsHandshakesFailed = 0;
        errors.clear();
    }
}
