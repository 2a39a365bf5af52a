package io.redmesh.node.security;

import org.junit.jupiter.api.Test;

/**
 * CVE-2023-36824 (7.0.12): extracting key names from a command with a crafted key count
 * (COMMAND GETKEYS, and the ACL check that extracts keys the same way) read and wrote out of
 * bounds. RedMesh's key extraction (command/KeyExtractor) is bounds-checked by construction;
 * the crafted counts must get Redis's replies, through COMMAND GETKEYS and through an ACL check.
 */
class Cve2023_36824CommandGetkeysTest {
    private static final String[][] CRAFTED = {
        {"ZUNIONSTORE", "dst", "2", "a"}, {"ZUNIONSTORE", "dst", "-1", "a"}, {"ZUNIONSTORE", "dst", "9223372036854775807", "a"},
        {"ZINTERSTORE", "dst", "0", "a"}, {"ZUNION", "3", "a", "b"}, {"ZDIFF", "2147483648", "a"},
        {"ZINTERCARD", "5", "a"}, {"SINTERCARD", "1000", "k"}, {"SINTERCARD", "-5", "k"},
        {"LMPOP", "100", "a", "LEFT"}, {"LMPOP", "0", "a", "LEFT"}, {"ZMPOP", "2", "a", "MIN"},
        {"BLMPOP", "0", "3", "a", "LEFT"}, {"BZMPOP", "0", "9", "a", "MAX"}, {"MSET", "a", "1", "b"},
        {"GET"}, {"SET", "k"}, {"XYZ", "a"},
    };

    @Test
    void craftedKeyCountsGetRedisReplies() {
        try (Peers p = Peers.start()) {
            for (String[] cmd : CRAFTED) {
                String[] getkeys = new String[cmd.length + 2];
                getkeys[0] = "COMMAND";
                getkeys[1] = "GETKEYS";
                System.arraycopy(cmd, 0, getkeys, 2, cmd.length);
                p.same(getkeys);
            }
            p.same("ACL", "SETUSER", "u", "on", "nopass", "+@all", "~a*");
            p.same("AUTH", "u", "x");
            for (String[] cmd : CRAFTED) {
                p.same(cmd);
            }
            p.bothAlive();
        }
    }
}
