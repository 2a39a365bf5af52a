package io.redmesh.replication.testing;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits: a failure names what was awaited and what was last seen. */
public final class Await {
    private Await() {}

    public static void until(String what, long timeoutMillis, BooleanSupplier done) {
        until(what, timeoutMillis, done, () -> "");
    }

    public static void until(String what, long timeoutMillis, BooleanSupplier done, Supplier<String> lastSeen) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        RuntimeException last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
                last = null;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        String seen;
        try {
            seen = lastSeen.get();
        } catch (RuntimeException e) {
            seen = "(" + e + ")";
        }
        throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what
                + (seen.isEmpty() ? "" : "; last seen: " + seen) + (last != null ? "; last error: " + last : ""));
    }
}
