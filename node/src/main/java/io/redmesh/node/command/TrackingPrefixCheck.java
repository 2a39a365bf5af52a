package io.redmesh.node.command;

import io.redmesh.node.util.Bytes;
import io.redmesh.node.util.RedisException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * CLIENT TRACKING's check that BCAST prefixes do not overlap (one a prefix of another), with the
 * error of Redis 7.0's checkPrefixCollisionsOrReply() but in O(n log n) rather than its pairwise
 * O(n^2), so that a client sending a huge PREFIX list cannot stall the server.
 */
final class TrackingPrefixCheck {
    private TrackingPrefixCheck() {
    }

    /**
     * checkPrefixCollisionsOrReply(): throws Redis's error for the first new prefix (in the order
     * given) that overlaps one the client has, or a later new one (the first such). Redis 7.0
     * compares every pair; here it costs O(n log n) whatever the list (overlapsWithLater), so a
     * huge PREFIX list cannot stall the server. Redis 7.0 also enables tracking after the second
     * kind of error when it is not about the first prefix (two replies to one request); RedMesh
     * answers the error alone and changes nothing.
     */
    static void check(ClientTracking.Mode m, List<byte[]> prefixes) {
        boolean[] later = overlapsWithLater(prefixes);
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (m.prefixes != null) {
                ByteString existing = overlappingExisting(m.prefixes, p);
                if (existing != null) {
                    throw RedisException.err("Prefix '" + cString(p) + "' overlaps with an existing prefix '"
                            + cString(existing.bytes) + "'. Prefixes for a single client must not overlap.");
                }
            }
            if (!later[i]) {
                continue;
            }
            for (int j = i + 1; j < prefixes.size(); j++) { // runs once: this i is the error
                if (overlap(p, prefixes.get(j))) {
                    throw RedisException.err("Prefix '" + cString(p) + "' overlaps with another provided prefix '"
                            + cString(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.");
                }
            }
        }
    }

    /**
     * For each prefix, whether one given after it overlaps it. In byte order a prefix's
     * extensions follow it, so one pass with a stack of the prefixes of the current one (a walk
     * of their trie) gives each the largest index among its prefixes and among its extensions.
     */
    private static boolean[] overlapsWithLater(List<byte[]> prefixes) {
        int n = prefixes.size();
        Integer[] sorted = new Integer[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i;
        }
        Arrays.sort(sorted, (a, b) -> {
            int c = Bytes.compare(prefixes.get(a), prefixes.get(b));
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] extensionsMax = new int[n];
        int[] prefixesMax = new int[n];
        int[] stack = new int[n];
        int depth = 0;
        for (int pos = 0; pos < n; pos++) {
            int cur = sorted[pos];
            while (depth > 0 && !startsWith(prefixes.get(cur), prefixes.get(stack[depth - 1]))) {
                depth = popInto(stack, depth, extensionsMax);
            }
            prefixesMax[cur] = depth == 0 ? -1 : Math.max(prefixesMax[stack[depth - 1]], stack[depth - 1]);
            extensionsMax[cur] = cur;
            stack[depth++] = cur;
        }
        while (depth > 0) {
            depth = popInto(stack, depth, extensionsMax);
        }
        boolean[] later = new boolean[n];
        for (int i = 0; i < n; i++) {
            later[i] = extensionsMax[i] > i || prefixesMax[i] > i;
        }
        return later;
    }

    /** Pops the top of the stack, passing the largest index under it to its own prefix. */
    private static int popInto(int[] stack, int depth, int[] extensionsMax) {
        int top = stack[--depth];
        if (depth > 0) {
            int parent = stack[depth - 1];
            extensionsMax[parent] = Math.max(extensionsMax[parent], extensionsMax[top]);
        }
        return depth;
    }

    private static boolean startsWith(byte[] s, byte[] prefix) {
        return s.length >= prefix.length && Arrays.equals(s, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The first (in byte order) of a client's prefixes that overlaps {@code p}. They do not
     * overlap each other, except the empty one, which CLIENT TRACKING ON BCAST without PREFIX
     * adds beside any others unchecked (as Redis's enableTracking does): it overlaps everything
     * and comes first. Otherwise at most one is a prefix of p, and extensions of p follow p.
     */
    private static ByteString overlappingExisting(TreeSet<ByteString> existing, byte[] p) {
        ByteString empty = new ByteString(new byte[0]);
        if (existing.contains(empty)) {
            return empty;
        }
        ByteString probe = new ByteString(p);
        ByteString floor = existing.floor(probe);
        ByteString ceiling = existing.ceiling(probe);
        if (floor != null && overlap(floor.bytes, p)) {
            return floor;
        }
        return ceiling != null && overlap(ceiling.bytes, p) ? ceiling : null;
    }

    /** stringCheckPrefix(): one is a prefix of the other. */
    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** The "%s" of a C string: up to the first NUL. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }
}
