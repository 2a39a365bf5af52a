package io.redmesh.node.command.family;

import io.redmesh.node.util.GlobPattern;
import io.redmesh.node.util.ServerLog;
import java.util.concurrent.ThreadLocalRandom;

/**
 * DEBUG STRINGMATCH-TEST: Redis's stringmatchlen_fuzz_test() against util/GlobPattern, the matcher
 * KEYS, SCAN MATCH, PSUBSCRIBE and ACL patterns use: random patterns and strings of up to 31
 * bytes below 128 (so every glob metacharacter and unbalanced brackets and escapes come up),
 * compiled and matched. Redis runs 10 million rounds; this runs at most a million and stops
 * after two seconds, because it holds the keyspace lock as Redis holds its one thread, and a
 * test hook must not stall a shared node for long. A matcher that throws or loops fails it.
 */
final class GlobFuzz {
    private static final int MAX_ROUNDS = 1_000_000;
    private static final long MAX_NANOS = 2_000_000_000L;

    private GlobFuzz() {}

    /** Returns how many rounds matched (Redis prints it to stdout; here it goes to the log). */
    static long run() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long deadline = System.nanoTime() + MAX_NANOS;
        long matches = 0;
        int rounds = 0;
        while (rounds < MAX_ROUNDS && ((rounds & 1023) != 0 || System.nanoTime() < deadline)) {
            byte[] str = new byte[rnd.nextInt(32)];
            byte[] pat = new byte[rnd.nextInt(32)];
            for (int j = 0; j < str.length; j++) {
                str[j] = (byte) rnd.nextInt(128);
            }
            for (int j = 0; j < pat.length; j++) {
                pat[j] = (byte) rnd.nextInt(128);
            }
            if (GlobPattern.compile(pat).matches(str)) {
                matches++;
            }
            rounds++;
        }
        ServerLog.verbose("DEBUG STRINGMATCH-TEST: " + rounds + " rounds, " + matches + " matches");
        return matches;
    }
}
