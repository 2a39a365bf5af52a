package io.redmesh.agent.mesh;

import io.redmesh.agent.record.HybridClock;
import io.redmesh.agent.record.RecordCodec;
import io.redmesh.agent.record.RecordFormatException;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.RecordVerifier;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.spi.NodeLog;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one way records from peers get in: decode (bounded), verify, observe the clock, merge,
 * tell the observers; or reject: count per reason in the store, tell the observers, log at
 * most once per reason per 10 s (with the number suppressed). Never throws: whatever a peer
 * sends ends here as a merge, a stale duplicate or a counted rejection.
 */
final class RecordIntake {
    private static final long REJECT_LOG_MILLIS = 10_000;

    private final RecordStore store;
    private final RecordVerifier verifier;
    private final Supplier<HybridClock> clock;
    private final List<Mesh.Observer> observers;
    /** reason -> {last log time, rejections since}. */
    private final Map<String, long[]> rejectLog = new ConcurrentHashMap<>();

    RecordIntake(RecordStore store, RecordVerifier verifier, Supplier<HybridClock> clock, List<Mesh.Observer> observers) {
        this.store = store;
        this.verifier = verifier;
        this.clock = clock;
        this.observers = observers;
    }

    /** A pushed batch of records. */
    void acceptBatch(byte[] batch, String from) {
        try {
            for (byte[] r : RecordCodec.decodeBatch(batch)) {
                accept(r, from, false);
            }
        } catch (RecordFormatException | RuntimeException e) {
            reject(Mesh.MALFORMED, from, e.getMessage());
        }
    }

    /** One encoded record from a peer. */
    void accept(byte[] encoded, String from, boolean viaAntiEntropy) {
        SignedRecord s;
        try {
            s = RecordCodec.decode(encoded);
        } catch (RecordFormatException e) {
            reject(Mesh.MALFORMED, from, e.getMessage());
            return;
        }
        String why;
        try {
            why = verifier.verify(s);
        } catch (RuntimeException e) {
            why = Mesh.MALFORMED;
        }
        if (why != null) {
            reject(why, from, s.toString());
            return;
        }
        clock.get().observe(s.version().hlc());
        if (store.offer(s)) {
            long latency = System.currentTimeMillis() - s.version().physicalMillis();
            for (Mesh.Observer o : observers) {
                try {
                    o.applied(s, true, viaAntiEntropy, latency);
                } catch (RuntimeException e) {
                    NodeLog.warning("Mesh observer failed: " + e);
                }
            }
        }
    }

    void reject(String reason, String from, String what) {
        store.rejected(reason);
        for (Mesh.Observer o : observers) {
            try {
                o.rejected(reason, from);
            } catch (RuntimeException e) {
                // an observer's bug must not stop the mesh
            }
        }
        long now = System.currentTimeMillis();
        long[] state = rejectLog.computeIfAbsent(reason, r -> new long[] {0, 0});
        synchronized (state) {
            state[1]++;
            if (now - state[0] >= REJECT_LOG_MILLIS) {
                NodeLog.warning("Mesh rejected a record from " + from + ": " + reason + " (" + what + ")"
                        + (state[1] > 1 ? ", " + (state[1] - 1) + " more since the last report" : ""));
                state[0] = now;
                state[1] = 0;
            }
        }
    }
}
