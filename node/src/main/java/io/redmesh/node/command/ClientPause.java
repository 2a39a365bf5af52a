package io.redmesh.node.command;

/**
 * Redis 7.0's client pause (pauseClients / unpauseClients): each purpose (CLIENT PAUSE, a
 * shutdown waiting for replicas, a failover) holds a pause type (WRITE or ALL) and an end
 * time; the pause in force is the most restrictive of those not yet ended. Under ALL no client
 * command runs, under WRITE no write or may-replicate command (EXEC counts its queue); the
 * master's stream and replicas' links are never paused. While any pause holds, keys are neither
 * expired nor evicted. Under the server lock.
 */
public final class ClientPause {
    public enum Purpose { CLIENT_COMMAND, SHUTDOWN, FAILOVER }

    public static final int OFF = 0;
    public static final int WRITE = 1;
    public static final int ALL = 2;

    private final int[] types = new int[Purpose.values().length];
    private final long[] ends = new long[Purpose.values().length];
    private int type = OFF;
    private long end;

    /**
     * pauseClients(): a purpose's pause becomes at least {@code type} until at least
     * {@code endMillis}. Returns whether the pause in force became less restrictive (only
     * possible when an earlier end has passed meanwhile).
     */
    boolean pause(Purpose p, long endMillis, int pauseType, long now) {
        int i = p.ordinal();
        if (types[i] == OFF) {
            types[i] = pauseType;
            ends[i] = endMillis;
        } else {
            types[i] = Math.max(types[i], pauseType);
            ends[i] = Math.max(ends[i], endMillis);
        }
        return update(now);
    }

    /** unpauseClients(): returns whether the pause in force became less restrictive. */
    boolean unpause(Purpose p, long now) {
        types[p.ordinal()] = OFF;
        return update(now);
    }

    /**
     * updateClientPauseTypeAndEndTime(): drops ended pauses and recomputes the one in force;
     * true when it became less restrictive (postponed clients must then run again).
     */
    boolean update(long now) {
        int old = type;
        type = OFF;
        end = 0;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == OFF) {
                continue;
            }
            if (ends[i] < now) {
                types[i] = OFF;
            } else if (types[i] > type) {
                type = types[i];
                end = ends[i];
            } else if (types[i] == type) {
                end = Math.max(end, ends[i]);
            }
        }
        return type < old;
    }

    /** Whether any pause holds (expiry and eviction wait). */
    boolean active() {
        return type != OFF;
    }

    /** When the pause in force ends (Long.MAX_VALUE for one that waits to be lifted). */
    long end() {
        return end;
    }

    /** Whether {@code s}'s command must wait for the pause to end. */
    boolean holds(Session s, CommandSpec cmd) {
        if (type == OFF || s.master || s.isReplica()) {
            return false;
        }
        if (type == ALL) {
            return true;
        }
        return cmd.has(CommandFlag.WRITE) || cmd.has(CommandFlag.MAY_REPLICATE)
                || (Transactions.isExec(cmd) && (s.queuedFlags & (CommandFlag.WRITE.bit | CommandFlag.MAY_REPLICATE.bit)) != 0);
    }
}
