package io.redmesh.node.command;

import io.redmesh.node.config.ServerConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's latency monitor (latency.c): for each event ("command", "fast-command",
 * "expire-cycle", "eviction-cycle", ...) that took at least {@code latency-monitor-threshold}
 * milliseconds, a time series of the last 160 seconds in which it happened (one sample per
 * second, the worst of that second) and the worst ever. LATENCY reads it; the watchdog's long
 * commands land here as "command" events when they end.
 *
 * <p>Samples arrive from the thread holding the server lock and from persistence threads, so
 * every method is synchronized. Events are kept in the order they first happened (Redis's
 * order is its dict's hash order, which differs from run to run).
 */
public final class LatencyMonitor {
    /** Redis's LATENCY_TS_LEN: the samples kept per event. */
    public static final int HISTORY = 160;

    /** One second's worst latency of an event. */
    public record Sample(long timeSeconds, long latencyMillis) {}

    /** Redis's struct latencyTimeSeries: a ring of samples and the all-time maximum. */
    private static final class Series {
        final long[] time = new long[HISTORY];
        final long[] latency = new long[HISTORY];
        int next;
        long max;
    }

    private final Map<String, Series> events = new LinkedHashMap<>();
    private volatile long thresholdMillis;

    public LatencyMonitor(ServerConfig config) {
        config.onChange("latency-monitor-threshold", v -> thresholdMillis = (Long) v);
    }

    public long thresholdMillis() {
        return thresholdMillis;
    }

    /** latencyAddSampleIfNeeded(): records the event when monitoring is on and it was slow enough. */
    public void addSampleIfNeeded(String event, long millis) {
        long threshold = thresholdMillis;
        if (threshold > 0 && millis >= threshold) {
            addSample(event, millis, System.currentTimeMillis() / 1000);
        }
    }

    /** latencyAddSample(): a second already sampled keeps its worst latency. */
    synchronized void addSample(String event, long millis, long nowSeconds) {
        Series ts = events.computeIfAbsent(event, e -> new Series());
        ts.max = Math.max(ts.max, millis);
        int prev = (ts.next + HISTORY - 1) % HISTORY;
        if (ts.time[prev] == nowSeconds) {
            ts.latency[prev] = Math.max(ts.latency[prev], millis);
            return;
        }
        ts.time[ts.next] = nowSeconds;
        ts.latency[ts.next] = millis;
        ts.next = (ts.next + 1) % HISTORY;
    }

    /** latencyResetEvent(): forgets the named event (case-insensitive), or all when null. */
    public synchronized int reset(String event) {
        int resets = 0;
        for (Iterator<String> it = events.keySet().iterator(); it.hasNext(); ) {
            String name = it.next();
            if (event == null || name.equalsIgnoreCase(event)) {
                it.remove();
                resets++;
            }
        }
        return resets;
    }

    public synchronized List<String> eventNames() {
        return new ArrayList<>(events.keySet());
    }

    /** Whether the event (exact name) has a series. */
    public synchronized boolean has(String event) {
        return events.containsKey(event);
    }

    /** The event's samples, oldest first (empty when unknown). */
    public synchronized List<Sample> history(String event) {
        Series ts = events.get(event);
        List<Sample> out = new ArrayList<>();
        if (ts == null) {
            return out;
        }
        for (int j = 0; j < HISTORY; j++) {
            int i = (ts.next + j) % HISTORY;
            if (ts.time[i] != 0) {
                out.add(new Sample(ts.time[i], ts.latency[i]));
            }
        }
        return out;
    }

    /** The most recent sample of the event, as LATENCY LATEST shows it. */
    public synchronized Sample latest(String event) {
        Series ts = events.get(event);
        int last = (ts.next + HISTORY - 1) % HISTORY;
        return new Sample(ts.time[last], ts.latency[last]);
    }

    /** The worst latency ever recorded for the event (0 when unknown). */
    public synchronized long allTimeMax(String event) {
        Series ts = events.get(event);
        return ts == null ? 0 : ts.max;
    }
}
