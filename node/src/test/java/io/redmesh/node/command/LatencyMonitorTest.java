package io.redmesh.node.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.Node;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.util.Sparkline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of the latency monitor a differential test cannot reach in reasonable time: the
 * 160-second ring, a second's worst sample, the threshold, HdrHistogram's log buckets at their
 * edges, and sparklines longer than one 80-column chunk.
 */
class LatencyMonitorTest {
    private static LatencyMonitor monitor(long threshold) throws Exception {
        ServerConfig config = Node.newConfig();
        LatencyMonitor m = new LatencyMonitor(config);
        config.set(List.<String[]>of(new String[] {"latency-monitor-threshold", Long.toString(threshold)}));
        return m;
    }

    @Test
    void aSecondKeepsItsWorstSampleAndTheRingKeeps160Seconds() throws Exception {
        LatencyMonitor m = monitor(10);
        m.addSampleIfNeeded("command", 9);
        assertFalse(m.has("command"), "under the threshold: nothing");
        m.addSample("command", 20, 1000);
        m.addSample("command", 15, 1000);
        m.addSample("command", 30, 1000);
        assertEquals(List.of(new LatencyMonitor.Sample(1000, 30)), m.history("command"));
        for (long t = 1001; t < 1300; t++) {
            m.addSample("command", t - 1000, t);
        }
        List<LatencyMonitor.Sample> h = m.history("command");
        assertEquals(LatencyMonitor.HISTORY, h.size());
        assertEquals(1140, h.get(0).timeSeconds(), "oldest kept");
        assertEquals(new LatencyMonitor.Sample(1299, 299), m.latest("command"));
        assertEquals(299, m.allTimeMax("command"));
        m.addSample("expire-cycle", 5, 1299);
        assertEquals(List.of("command", "expire-cycle"), m.eventNames());
        assertEquals(1, m.reset("EXPIRE-cycle"));
        assertEquals(1, m.reset(null));
        assertTrue(m.eventNames().isEmpty());
    }

    @Test
    void histogramBucketsAreHdrLogBuckets() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(1);              // a command of 0 us is recorded as 1 ns
        h.record(5_000);          // 5 us
        h.record(5_000);
        h.record(2_000_000);      // 2 ms
        h.record(2_000_000_000L); // clamped to 1 s
        List<long[]> cdf = h.cumulativeMicros();
        assertArrayEquals(new long[] {1, 1}, cdf.get(0));
        assertArrayEquals(new long[] {8, 3}, cdf.get(1), "5 us is under the 8255 ns bound");
        assertArrayEquals(new long[] {2113, 4}, cdf.get(2));
        assertArrayEquals(new long[] {1073741, 5}, cdf.get(3), "1 s: the iterator ends on the last slot");
        assertEquals(4, cdf.size());
    }

    @Test
    void sparklinesWrapAt80ColumnsWithLabelsUnderEachChunk() {
        Sparkline s = new Sparkline();
        for (int i = 0; i < 81; i++) {
            s.add(i % 2 == 0 ? 100 : 200, i == 80 ? "0s" : "");
        }
        String[] lines = s.render(80, 4).split("\n", -1);
        assertEquals(" #".repeat(40), lines[0]);
        assertEquals("_|".repeat(40), lines[3]);
        assertEquals(" ".repeat(80), lines[4], "the labels' blank line: Redis counts labels over the whole sequence");
        assertEquals("", lines[5], "chunks are separated by an empty line");
        assertEquals(" ", lines[6]);
        assertEquals("_", lines[9], "the second chunk: one sample, the lowest (scaled over both chunks)");
        assertEquals(" ", lines[10], "a blank line before the labels");
        assertEquals("0", lines[11]);
        assertEquals("s", lines[12]);
    }
}
