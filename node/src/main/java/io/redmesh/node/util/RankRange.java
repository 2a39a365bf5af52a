package io.redmesh.node.util;

/**
 * Redis's normalisation of a [start, end] index range over a collection of {@code length}
 * elements (LRANGE, LTRIM, ZRANGE by rank, ZREMRANGEBYRANK): negative indexes count from the
 * end, start is clamped to 0 and end to the last element; an empty result is null.
 */
public record RankRange(long start, long end) {
    public static RankRange of(long start, long end, long length) {
        if (start < 0) {
            start += length;
        }
        if (end < 0) {
            end += length;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= length) {
            return null;
        }
        return new RankRange(start, Math.min(end, length - 1));
    }
}
