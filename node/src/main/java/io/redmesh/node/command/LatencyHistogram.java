package io.redmesh.node.command;

/**
 * A per-command latency histogram for INFO latencystats, in the manner of the HdrHistogram Redis
 * 7.0 uses (1 ns to 1 s, two significant decimal digits): buckets are powers of two split into
 * 128 linear sub-buckets, so each recorded value is kept within 1% and percentiles are read as
 * the highest value equivalent to the bucket holding the requested rank, as
 * hdr_value_at_percentile() reports it.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKET_HALF_BITS = 7;               // 128
    private static final int SUB_BUCKETS = 1 << (SUB_BUCKET_HALF_BITS + 1); // 256
    private static final long HIGHEST = 1_000_000_000L;              // 1 s in ns
    private static final int BUCKETS = 64 - Long.numberOfLeadingZeros(HIGHEST) - SUB_BUCKET_HALF_BITS;

    private final long[] counts = new long[(BUCKETS + 1) * (SUB_BUCKETS / 2)];
    private long total;

    /** Records one latency in nanoseconds (clamped to 1 ns .. 1 s, as Redis does). */
    public synchronized void record(long nanos) {
        long v = Math.max(1, Math.min(HIGHEST, nanos));
        counts[index(v)]++;
        total++;
    }

    public synchronized long count() {
        return total;
    }

    public synchronized void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }

    private static int bucketOf(long v) {
        int pow = 63 - Long.numberOfLeadingZeros(v | ((1L << (SUB_BUCKET_HALF_BITS + 1)) - 1));
        return pow - SUB_BUCKET_HALF_BITS;
    }

    private static int index(long v) {
        int bucket = bucketOf(v);
        int sub = (int) (v >>> bucket);
        return bucket * (SUB_BUCKETS / 2) + sub;
    }

    /** The highest value that falls in the same slot as the slot at {@code index}. */
    private static long highestEquivalent(int index) {
        int bucket = index / (SUB_BUCKETS / 2);
        int sub = index % (SUB_BUCKETS / 2);
        if (bucket > 0) {
            sub += SUB_BUCKETS / 2;
            bucket--;
        }
        long low = (long) sub << bucket;
        return low + (1L << bucket) - 1;
    }

    /** hdr_value_at_percentile(): the value at or below which {@code percentile}% of samples fall. */
    public synchronized long valueAtPercentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        double p = Math.min(percentile, 100.0);
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return highestEquivalent(i);
            }
        }
        return 0;
    }

    /**
     * LATENCY HISTOGRAM's histogram_usec (Redis's fillCommandCDF over hdr_iter_log_init(1024, 2)):
     * for each power-of-two bucket from 1024 ns up, the highest latency of the bucket in
     * microseconds and how many samples were at most that, listed only where the count grew.
     */
    public synchronized java.util.List<long[]> cumulativeMicros() {
        java.util.List<long[]> out = new java.util.ArrayList<>();
        long cumulative = 0;
        long previous = 0;
        int consumed = -1;
        for (long level = 1024; total > 0; level <<= 1) {
            // past the last slot the HDR iterator stops on that slot, as this does
            int idx = Math.min(index(level), counts.length - 1);
            for (int i = consumed + 1; i <= idx; i++) {
                cumulative += counts[i];
            }
            consumed = idx;
            if (cumulative > previous) {
                out.add(new long[] {highestEquivalent(idx) / 1000, cumulative});
            }
            previous = cumulative;
            if (cumulative >= total || idx == counts.length - 1) {
                break;
            }
        }
        return out;
    }
}
