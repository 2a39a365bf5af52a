package io.redmesh.node.persist.seal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Sealing and unsealing throughput in memory (MB/s), for docs/ENCRYPTION.md. Not a timed
 * assertion: it only runs with -Dseal.bench=true and prints what it measures.
 * {@code mvn -q -B -o -pl node test -Dtest=SealThroughputBench -Dseal.bench=true}
 */
class SealThroughputBench {
    @Test
    void measure() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("seal.bench"));
        byte[] chunk = SealedStreamTest.random(1 << 20);
        int mb = 512;
        for (int round = 0; round < 3; round++) {
            CountingSink sink = new CountingSink();
            long t0 = System.nanoTime();
            try (SealedOutputStream out = new SealedOutputStream(sink, SealedStreamTest.KEY)) {
                for (int i = 0; i < mb; i++) {
                    out.write(chunk);
                }
            }
            double seal = mb / ((System.nanoTime() - t0) / 1e9);
            byte[] sealed = SealedStreamTest.seal(SealedStreamTest.random(64 << 20), SealedStreamTest.KEY,
                    SealHeader.DEFAULT_SEGMENT);
            byte[] buf = new byte[1 << 16];
            long t1 = System.nanoTime();
            try (SealedInputStream in = new SealedInputStream(new ByteArrayInputStream(sealed), SealedStreamTest.KEYS,
                    "bench", false)) {
                while (in.read(buf) > 0) {
                    // drain
                }
            }
            double open = 64 / ((System.nanoTime() - t1) / 1e9);
            System.out.printf("seal round %d: seal %.0f MB/s, open+verify %.0f MB/s (64 KiB segments, overhead %.3f%%)%n",
                    round, seal, open, 100.0 * 20 / 65536);
        }
    }

    static final class CountingSink extends OutputStream {
        long n;

        @Override
        public void write(int b) {
            n++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            n += len;
        }
    }
}
