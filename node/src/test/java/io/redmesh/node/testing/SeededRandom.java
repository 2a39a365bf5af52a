package io.redmesh.node.testing;

import java.util.Random;
import java.util.function.IntConsumer;

/**
 * The random source of a fuzz test: a {@link Random} whose seed is printed when a trial fails, so
 * the failure can be replayed exactly. The seed is fresh for every run (new inputs each CI run)
 * unless the system property {@value #PROPERTY} gives one:
 * {@code mvn -B -q -o -pl node test -Dtest=GlobPatternTest -Dredmesh.fuzz.seed=1234}.
 */
public final class SeededRandom {
    public static final String PROPERTY = "redmesh.fuzz.seed";

    private final long seed;
    private final Random random;

    private SeededRandom(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** The seed given by {@value #PROPERTY}, else a fresh one. */
    public static SeededRandom create() {
        String given = System.getProperty(PROPERTY);
        long seed = given == null || given.isBlank() ? System.nanoTime() ^ Double.doubleToLongBits(Math.random())
                : Long.parseLong(given.trim());
        return new SeededRandom(seed);
    }

    public long seed() {
        return seed;
    }

    public Random random() {
        return random;
    }

    /**
     * Runs {@code tries} trials in order; the first failure is rethrown with the seed, how to
     * replay it and the trial's number in front of its message.
     */
    public void repeat(int tries, IntConsumer trial) {
        for (int i = 0; i < tries; i++) {
            try {
                trial.accept(i);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("fuzz trial " + i + " of " + tries + " failed with seed " + seed
                        + " (replay: -D" + PROPERTY + "=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** One of the given choices, uniformly. */
    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** A string of up to {@code maxLength} characters drawn from {@code alphabet}. */
    public String string(String alphabet, int maxLength) {
        int n = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
