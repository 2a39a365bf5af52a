package io.redmesh.replication.replica;

/** What FAILOVER needs from the link to its target (see io.redmesh.replication.Failover). */
public interface FailoverHook {
    FailoverHook NONE = new FailoverHook() {
        @Override
        public boolean inProgress() {
            return false;
        }

        @Override
        public void accepted() {
        }

        @Override
        public void refused() {
        }

        @Override
        public void unreachable() {
        }
    };

    /** Whether the next PSYNC hands over (PSYNC replid offset FAILOVER). */
    boolean inProgress();

    /** The target answered the PSYNC: it is the master now. */
    void accepted();

    /** The target refused the PSYNC. */
    void refused();

    /** The link to the target failed before PSYNC ... FAILOVER was sent: it cannot have taken over. */
    void unreachable();
}
