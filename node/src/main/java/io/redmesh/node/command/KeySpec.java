package io.redmesh.node.command;

import java.util.List;

/**
 * Where a command's keys are, as Redis 7 key specs describe them: a begin-search step (a fixed
 * index, or a keyword searched from an index) then a find-keys step (a range, or a count argument
 * followed by keys). ACL key checks, COMMAND GETKEYS, memory accounting and cluster routing all
 * read keys through this one description.
 */
public record KeySpec(
        List<String> flags,
        String notes,
        BeginSearch begin,
        FindKeys find) {

    /** begin_search: type "index" (index), "keyword" (keyword, startFrom) or "unknown". */
    public record BeginSearch(String type, int index, String keyword, int startFrom) {}

    /**
     * find_keys: type "range" (lastKey, keyStep, limit), "keynum" (keyNumIdx, firstKey, keyStep)
     * or "unknown".
     */
    public record FindKeys(String type, int lastKey, int keyStep, int limit, int keyNumIdx, int firstKey) {}

    public boolean hasFlag(String f) {
        return flags.contains(f);
    }

    /** Keys read only ("RO") — ACL %R permission suffices. */
    public boolean readOnly() {
        return hasFlag("RO");
    }

    /** Keys written without being read ("OW", "RM") — ACL %W permission suffices. */
    public boolean writeOnly() {
        return hasFlag("OW") || hasFlag("RM");
    }
}
