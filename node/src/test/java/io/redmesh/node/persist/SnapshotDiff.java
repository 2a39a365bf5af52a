package io.redmesh.node.persist;

import java.util.Map;

/** The first differences between two snapshots, short enough for a failure message. */
final class SnapshotDiff {
    private SnapshotDiff() {}

    static String diff(Map<String, String> want, Map<String, String> got) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, String> w : want.entrySet()) {
            String g = got.get(w.getKey());
            if (!w.getValue().equals(g) && n++ < 5) {
                sb.append(w.getKey()).append(": want ").append(cut(w.getValue())).append(" got ").append(cut(g)).append('\n');
            }
        }
        for (String k : got.keySet()) {
            if (!want.containsKey(k) && n++ < 10) {
                sb.append(k).append(": not at the instant, got ").append(cut(got.get(k))).append('\n');
            }
        }
        return n == 0 ? "" : n + " differences\n" + sb;
    }

    private static String cut(String s) {
        return s == null || s.length() < 200 ? s : s.substring(0, 200) + "...";
    }
}
