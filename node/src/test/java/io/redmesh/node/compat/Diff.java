package io.redmesh.node.compat;

import static org.junit.jupiter.api.Assertions.fail;

import io.redmesh.node.testing.RedisProcess;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.util.ArgSplitter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server 7.0 and a RedMesh node started with the same directives, for byte-exact
 * differential tests: every request goes to both, and the raw replies must be equal.
 *
 * <pre>
 * try (Diff d = Diff.start("--requirepass", "p"); Diff.Pair p = d.pair()) {
 *     p.same("AUTH", "nope");          // one command, compared at once
 *     p.script("SET k v", "GET k");    // inline-quoted lines, all compared, all reported
 *     p.verify();                      // fails listing every mismatch of script()/soft calls
 * }
 * </pre>
 */
final class Diff implements AutoCloseable {
    final RedisProcess real;
    final ServerFixture ours;

    private Diff(RedisProcess real, ServerFixture ours) {
        this.real = real;
        this.ours = ours;
    }

    /** Starts both servers (skipping the test when redis-server is not installed). */
    static Diff start(String... directives) {
        Assumptions.assumeTrue(RedisProcess.available(), "redis-server not installed");
        RedisProcess r = RedisProcess.start(directives);
        try {
            return new Diff(r, ServerFixture.start(directives));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    Pair pair() {
        return new Pair(real.client(), ours.client());
    }

    @Override
    public void close() {
        try {
            ours.close();
        } finally {
            real.close();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String show(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.length() > 3000 ? s.substring(0, 3000) + "...(" + s.length() + " chars)" : s;
    }

    /** Splits a line as redis-cli/inline commands do ("quoted args", \xHH escapes). */
    static String[] words(String line) {
        byte[] raw = line.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> parts = ArgSplitter.split(raw, 0, raw.length);
        if (parts == null) {
            throw new IllegalArgumentException("unbalanced quotes in test line: " + line);
        }
        String[] out = new String[parts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new String(parts.get(i), StandardCharsets.ISO_8859_1);
        }
        return out;
    }

    /** One connection to each server. */
    static final class Pair implements AutoCloseable {
        final RespClient real;
        final RespClient ours;
        private final List<String> mismatches = new ArrayList<>();

        Pair(RespClient real, RespClient ours) {
            this.real = real;
            this.ours = ours;
        }

        private static byte[][] bytes(String... args) {
            byte[][] a = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                a[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
            }
            return a;
        }

        /** Sends one command to both; fails at once unless the replies are byte-identical. */
        String same(String... args) {
            return sameNormalized(UnaryOperator.identity(), args);
        }

        /** As {@link #same} after applying {@code norm} to both replies (ids, timestamps). */
        String sameNormalized(UnaryOperator<String> norm, String... args) {
            String r = norm.apply(show(real.call(bytes(args))));
            String o = norm.apply(show(ours.call(bytes(args))));
            if (!r.equals(o)) {
                fail("reply to " + String.join(" ", args) + "\n redis: " + esc(r) + "\n ours : " + esc(o));
            }
            return r;
        }

        /** Sends one command to both and records (does not throw) a mismatch; see {@link #verify}. */
        String soft(String... args) {
            String r = callOne(real, "redis", args);
            String o = callOne(ours, "ours", args);
            if (!r.equals(o)) {
                mismatches.add(String.join(" ", args) + "\n   redis: " + esc(r) + "\n   ours : " + esc(o));
            }
            return r;
        }

        private String callOne(RespClient c, String who, String... args) {
            try {
                return show(c.call(bytes(args)));
            } catch (IllegalStateException e) {
                mismatches.add(String.join(" ", args) + "\n   " + who + ": " + e.getMessage());
                verify();
                throw e;
            }
        }

        /** Runs each line (split like an inline command) through {@link #soft}. */
        Pair script(String... lines) {
            for (String l : lines) {
                soft(words(l));
            }
            return this;
        }

        /**
         * For replies whose element order is Redis's hash order (KEYS, SCAN, unsubscribe-all):
         * compares the multiset of bulk strings in the reply, and the reply's other lines.
         */
        String sameUnordered(String... args) {
            String r = show(real.call(bytes(args)));
            String o = show(ours.call(bytes(args)));
            if (!unordered(r).equals(unordered(o))) {
                fail("reply to " + String.join(" ", args) + " (any order)\n redis: " + esc(r) + "\n ours : " + esc(o));
            }
            return r;
        }

        private static List<String> unordered(String reply) {
            List<String> items = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\d+\r\n([^\r]*)\r\n|([^\r]*)\r\n")
                    .matcher(reply);
            while (m.find()) {
                items.add(m.group(1) != null ? "$" + m.group(1) : m.group(2));
            }
            java.util.Collections.sort(items);
            return items;
        }

        /** Sends raw bytes to both and compares the next {@code replies} replies. */
        String sameRaw(byte[] raw, int replies) {
            real.send(raw);
            ours.send(raw);
            StringBuilder r = new StringBuilder();
            StringBuilder o = new StringBuilder();
            for (int i = 0; i < replies; i++) {
                r.append(show(real.readReply()));
                o.append(show(ours.readReply()));
            }
            if (!r.toString().equals(o.toString())) {
                fail("replies to " + esc(new String(raw, StandardCharsets.ISO_8859_1)) + "\n redis: "
                        + esc(r.toString()) + "\n ours : " + esc(o.toString()));
            }
            return r.toString();
        }

        /** Reads one more (pushed) reply from both and compares. */
        String sameNext() {
            return sameNextNormalized(UnaryOperator.identity());
        }

        String sameNextNormalized(UnaryOperator<String> norm) {
            String r = norm.apply(show(real.readReply()));
            String o = norm.apply(show(ours.readReply()));
            if (!r.equals(o)) {
                fail("next reply\n redis: " + esc(r) + "\n ours : " + esc(o));
            }
            return r;
        }

        /** Both servers closed the connection (within the timeout). */
        void bothClosed() {
            boolean r = real.closedByServer(3000);
            boolean o = ours.closedByServer(3000);
            if (r != o) {
                fail("connection closed by redis: " + r + ", by ours: " + o);
            }
            if (!r) {
                fail("neither server closed the connection");
            }
        }

        /** Fails listing every mismatch recorded by soft()/script(). */
        void verify() {
            if (!mismatches.isEmpty()) {
                List<String> m = new ArrayList<>(mismatches);
                mismatches.clear();
                fail(m.size() + " replies differ from Redis 7.0:\n" + String.join("\n", m));
            }
        }

        @Override
        public void close() {
            real.close();
            ours.close();
        }
    }

    static String esc(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
