package io.redmesh.agent.record;

import java.util.Objects;

/**
 * The version of a record: a hybrid logical clock value and the member that made the change.
 * Higher hlc wins; the origin breaks ties (ordinal string order), so two versions are equal
 * only when they are the same change. Every member orders versions the same way, which is
 * what makes the last-writer-wins merge deterministic.
 */
public record Version(long hlc, String origin) implements Comparable<Version> {
    public Version {
        Objects.requireNonNull(origin, "origin");
    }

    /** The wall-clock milliseconds the change was made at (by its origin's clock). */
    public long physicalMillis() {
        return HybridClock.physicalMillis(hlc);
    }

    @Override
    public int compareTo(Version o) {
        int c = Long.compare(hlc, o.hlc);
        return c != 0 ? c : origin.compareTo(o.origin);
    }

    public boolean newerThan(Version o) {
        return o == null || compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return physicalMillis() + "." + HybridClock.logical(hlc) + "@" + origin;
    }
}
