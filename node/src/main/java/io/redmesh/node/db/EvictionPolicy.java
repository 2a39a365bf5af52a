package io.redmesh.node.db;

import java.util.Locale;

/** The maxmemory-policy values of Redis 7. */
public enum EvictionPolicy {
    NOEVICTION, ALLKEYS_LRU, VOLATILE_LRU, ALLKEYS_LFU, VOLATILE_LFU, ALLKEYS_RANDOM, VOLATILE_RANDOM, VOLATILE_TTL;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static EvictionPolicy fromConfig(String s) {
        for (EvictionPolicy p : values()) {
            if (p.configName().equalsIgnoreCase(s)) {
                return p;
            }
        }
        return null;
    }

    public boolean lfu() {
        return this == ALLKEYS_LFU || this == VOLATILE_LFU;
    }

    public boolean random() {
        return this == ALLKEYS_RANDOM || this == VOLATILE_RANDOM;
    }

    public boolean volatileOnly() {
        return this == VOLATILE_LRU || this == VOLATILE_LFU || this == VOLATILE_RANDOM || this == VOLATILE_TTL;
    }
}
