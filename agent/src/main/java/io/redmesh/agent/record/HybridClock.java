package io.redmesh.agent.record;

import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: 48 bits of physical milliseconds shifted left 16, plus a 16-bit
 * logical counter. Values it hands out only grow, even when the wall clock steps back, and stay
 * above every remote value it has {@link #observe observed}, so a change made after seeing
 * another node's record always wins over it (causality), while concurrent changes are ordered
 * by wall time.
 */
public final class HybridClock {
    public static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final LongSupplier wallMillis;
    private long last;

    public HybridClock() {
        this(System::currentTimeMillis);
    }

    /** For tests: a clock over a controlled wall time. */
    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /** The next timestamp: strictly greater than every value returned or observed before. */
    public synchronized long now() {
        long wall = wallMillis.getAsLong() << LOGICAL_BITS;
        last = wall > last ? wall : last + 1;
        return last;
    }

    /** Takes a remote timestamp into account (so the next {@link #now} is greater). */
    public synchronized void observe(long remote) {
        if (remote > last) {
            last = remote;
        }
    }

    /** The physical milliseconds of a timestamp. */
    public static long physicalMillis(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    /** The logical counter of a timestamp. */
    public static int logical(long hlc) {
        return (int) (hlc & LOGICAL_MASK);
    }

    /** The timestamp of a physical time with counter 0 (for bounds and tests). */
    public static long of(long physicalMillis, int logical) {
        return (physicalMillis << LOGICAL_BITS) | (logical & LOGICAL_MASK);
    }
}
