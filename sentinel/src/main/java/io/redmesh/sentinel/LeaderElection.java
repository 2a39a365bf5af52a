package io.redmesh.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Who performs a failover, as Redis decides it: in each epoch a sentinel votes once, for the
 * first sentinel that asks (SENTINEL is-master-down-by-addr with its run id); a sentinel is the
 * leader of an epoch when it has the votes of a majority of the sentinels known for the master
 * (itself included) and at least the quorum. Under the node's lock.
 */
final class LeaderElection {
    private final Sentinel s;

    LeaderElection(Sentinel s) {
        this.s = s;
    }

    /**
     * sentinelVoteLeader(): votes for {@code reqRunid} unless this sentinel already voted in
     * {@code reqEpoch} or later; returns the vote held (run id, or null) and sets its epoch in
     * {@code leaderEpoch[0]}. A greater epoch is adopted first (+new-epoch).
     */
    String vote(Instance master, long reqEpoch, String reqRunid, long[] leaderEpoch) {
        if (Long.compareUnsigned(reqEpoch, s.state.currentEpoch) > 0) {
            s.state.currentEpoch = reqEpoch;
            s.flushConfig();
            s.events.plain(Events.Level.WARNING, "+new-epoch", master, Long.toUnsignedString(s.state.currentEpoch));
        }
        if (Long.compareUnsigned(master.leaderEpoch, reqEpoch) < 0
                && Long.compareUnsigned(s.state.currentEpoch, reqEpoch) <= 0) {
            master.leader = reqRunid;
            master.leaderEpoch = s.state.currentEpoch;
            s.flushConfig();
            s.events.plain(Events.Level.WARNING, "+vote-for-leader", master,
                    master.leader + " " + Long.toUnsignedString(master.leaderEpoch));
            // having voted for another, wait before trying a failover of our own
            if (!master.leader.equalsIgnoreCase(s.state.myid)) {
                master.failoverStartTime = System.currentTimeMillis()
                        + ThreadLocalRandom.current().nextInt(Failover.MAX_DESYNC);
            }
        }
        leaderEpoch[0] = master.leaderEpoch;
        return master.leader;
    }

    /**
     * sentinelGetLeader(): the votes of the other sentinels in the current epoch, plus ours (for
     * the most voted, or ourselves when nobody voted yet); the winner needs a majority of
     * (known sentinels + 1) and the quorum. Null when there is none.
     */
    String leader(Instance master, long epoch) {
        Map<String, Integer> counters = new LinkedHashMap<>();
        int voters = master.sentinels.size() + 1;
        for (Instance ri : master.sentinels.values()) {
            if (ri.leader != null && ri.leaderEpoch == s.state.currentEpoch) {
                counters.merge(ri.leader, 1, Integer::sum);
            }
        }
        String winner = null;
        int maxVotes = 0;
        for (Map.Entry<String, Integer> e : counters.entrySet()) {
            if (e.getValue() > maxVotes) {
                maxVotes = e.getValue();
                winner = e.getKey();
            }
        }
        long[] leaderEpoch = new long[1];
        String myvote = vote(master, epoch, winner != null ? winner : s.state.myid, leaderEpoch);
        if (myvote != null && leaderEpoch[0] == epoch) {
            int votes = counters.merge(myvote, 1, Integer::sum);
            if (votes > maxVotes) {
                maxVotes = votes;
                winner = myvote;
            }
        }
        int votersQuorum = voters / 2 + 1;
        if (winner != null && (maxVotes < votersQuorum || maxVotes < master.quorum)) {
            winner = null;
        }
        return winner;
    }
}
