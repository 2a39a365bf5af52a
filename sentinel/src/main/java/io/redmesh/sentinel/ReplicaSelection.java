package io.redmesh.sentinel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * sentinelSelectSlave(): the replica to promote. Candidates are up (no SDOWN/ODOWN, connected,
 * answered a PING in the last 5 ping periods), have priority above 0, fresh INFO (5 ping periods
 * while the master is down, else 3 INFO periods), and lost their master no longer than the
 * master has been down plus 10 x down-after-milliseconds. The best is the lowest priority, then
 * the greatest replication offset, then the lexicographically smallest run id (none sorts last).
 */
final class ReplicaSelection {
    private ReplicaSelection() {}

    static final Comparator<Instance> BETTER_FIRST = Comparator.<Instance>comparingInt(r -> r.slavePriority)
            .thenComparing((a, b) -> Long.compareUnsigned(b.slaveReplOffset, a.slaveReplOffset))
            .thenComparing(r -> r.runid, Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER));

    static Instance select(Instance master, SentinelTimings t) {
        long now = System.currentTimeMillis();
        long maxMasterDownTime = 0;
        if (master.is(Instance.S_DOWN)) {
            maxMasterDownTime += now - master.sDownSinceTime;
        }
        maxMasterDownTime += master.downAfterPeriod * 10;
        List<Instance> candidates = new ArrayList<>();
        for (Instance slave : master.slaves.values()) {
            if (slave.is(Instance.S_DOWN | Instance.O_DOWN) || slave.link.disconnected) {
                continue;
            }
            if (now - slave.link.lastAvailTime > t.pingPeriod * 5 || slave.slavePriority == 0) {
                continue;
            }
            long infoValidity = master.is(Instance.S_DOWN) ? t.pingPeriod * 5 : t.infoPeriod * 3;
            if (now - slave.infoRefresh > infoValidity || slave.masterLinkDownTime > maxMasterDownTime) {
                continue;
            }
            candidates.add(slave);
        }
        candidates.sort(BETTER_FIRST);
        return candidates.isEmpty() ? null : candidates.get(0);
    }
}
