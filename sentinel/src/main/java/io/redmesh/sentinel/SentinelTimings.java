package io.redmesh.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis's sentinel time constants (milliseconds), per sentinel rather than process-wide so that
 * several sentinels can run in one JVM; SENTINEL DEBUG reads and changes them.
 */
final class SentinelTimings {
    long infoPeriod = 10_000;
    long pingPeriod = 1000;
    long askPeriod = 1000;
    long publishPeriod = 2000;
    long defaultDownAfter = 30_000;
    long defaultFailoverTimeout = 3 * 60 * 1000;
    long tiltTrigger = 2000;
    long tiltPeriod = 1000 * 30;
    long slaveReconfTimeout = 10_000;
    long minLinkReconnectPeriod = 15_000;
    long electionTimeout = 10_000;
    long scriptMaxRuntime = 60_000;
    long scriptRetryDelay = 30_000;

    /** SENTINEL DEBUG's names (lower case, as set) in the order it lists them (upper case). */
    Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("info-period", infoPeriod);
        m.put("ping-period", pingPeriod);
        m.put("ask-period", askPeriod);
        m.put("publish-period", publishPeriod);
        m.put("default-down-after", defaultDownAfter);
        m.put("default-failover-timeout", defaultFailoverTimeout);
        m.put("tilt-trigger", tiltTrigger);
        m.put("tilt-period", tiltPeriod);
        m.put("slave-reconf-timeout", slaveReconfTimeout);
        m.put("min-link-reconnect-period", minLinkReconnectPeriod);
        m.put("election-timeout", electionTimeout);
        m.put("script-max-runtime", scriptMaxRuntime);
        m.put("script-retry-delay", scriptRetryDelay);
        return m;
    }

    /** Sets one by its SENTINEL DEBUG name; false when there is no such name. */
    boolean set(String name, long v) {
        switch (name) {
            case "info-period" -> infoPeriod = v;
            case "ping-period" -> pingPeriod = v;
            case "ask-period" -> askPeriod = v;
            case "publish-period" -> publishPeriod = v;
            case "default-down-after" -> defaultDownAfter = v;
            case "default-failover-timeout" -> defaultFailoverTimeout = v;
            case "tilt-trigger" -> tiltTrigger = v;
            case "tilt-period" -> tiltPeriod = v;
            case "slave-reconf-timeout" -> slaveReconfTimeout = v;
            case "min-link-reconnect-period" -> minLinkReconnectPeriod = v;
            case "election-timeout" -> electionTimeout = v;
            case "script-max-runtime" -> scriptMaxRuntime = v;
            case "script-retry-delay" -> scriptRetryDelay = v;
            default -> {
                return false;
            }
        }
        return true;
    }
}
