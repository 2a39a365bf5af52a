package io.redmesh.replication;

/**
 * FAILOVER's state as INFO shows it (master_failover_state): no-failover, waiting-for-sync,
 * failover-in-progress.
 */
final class Failover {
    enum State {
        NONE("no-failover"), WAITING_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    private volatile State state = State.NONE;

    String stateName() {
        return state.info;
    }

    boolean active() {
        return state != State.NONE;
    }
}
