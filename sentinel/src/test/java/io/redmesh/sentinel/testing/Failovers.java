package io.redmesh.sentinel.testing;

import io.redmesh.replication.testing.Await;
import java.util.Map;

/** Bounded waits around a failover, naming the node and the state they wait for. */
public final class Failovers {
    private Failovers() {}

    /**
     * Waits until every live sentinel announces a master other than {@code old} (the same one for
     * all) and every other live data node replicates from it; returns it.
     */
    public static ServerProcess awaitNewMaster(Topology t, ServerProcess old, long timeoutMillis) {
        ServerProcess first = t.sentinels().stream().filter(ServerProcess::isAlive).findFirst().orElseThrow();
        Await.until("every sentinel to announce a master other than " + old, timeoutMillis, () -> {
            int p = -2;
            for (ServerProcess s : t.sentinels()) {
                if (!s.isAlive()) {
                    continue;
                }
                int mine = Sentinels.masterPort(s);
                if (mine <= 0 || mine == old.servingPort() || (p != -2 && p != mine)) {
                    return false;
                }
                p = mine;
            }
            return true;
        }, () -> {
            StringBuilder b = new StringBuilder();
            for (ServerProcess s : t.sentinels()) {
                b.append(s).append(" says ").append(Sentinels.masterAddress(s)).append("; ");
            }
            return b + "\n" + t.logs();
        });
        ServerProcess promoted = t.dataNode(Sentinels.masterPort(first));
        awaitFollowers(t, promoted, timeoutMillis);
        return promoted;
    }

    /**
     * Like {@link #awaitNewMaster}, but the master may change while it waits (on a loaded machine a
     * group can fail a just-promoted master over once more, as Redis's sentinels do): returns the
     * master the live sentinels agree on, other than {@code old}, once every other live data node
     * follows it with its link up.
     */
    public static ServerProcess awaitSettledMaster(Topology t, ServerProcess old, long timeoutMillis) {
        ServerProcess[] settled = new ServerProcess[1];
        Await.until("the sentinels to settle on a master other than " + old + " that every data node follows",
                timeoutMillis, () -> {
                    int p = -2;
                    for (ServerProcess s : t.sentinels()) {
                        if (!s.isAlive()) {
                            continue;
                        }
                        int mine = Sentinels.masterPort(s);
                        if (mine <= 0 || mine == old.servingPort() || (p != -2 && p != mine)) {
                            return false;
                        }
                        p = mine;
                    }
                    ServerProcess master = t.dataNode(p);
                    for (ServerProcess d : t.dataNodes()) {
                        if (d == master || !d.isAlive()) {
                            continue;
                        }
                        Map<String, String> r = t.info(d, "replication");
                        if (!"slave".equals(r.get("role")) || !Integer.toString(p).equals(r.get("master_port"))
                                || !"up".equals(r.get("master_link_status"))) {
                            return false;
                        }
                    }
                    settled[0] = master;
                    return true;
                }, t::logs);
        return settled[0];
    }

    /** Waits until every live data node but {@code master} replicates from it with its link up. */
    public static void awaitFollowers(Topology t, ServerProcess master, long timeoutMillis) {
        for (ServerProcess d : t.dataNodes()) {
            if (d == master || !d.isAlive()) {
                continue;
            }
            Await.until(d + " to replicate from the new master " + master, timeoutMillis, () -> {
                Map<String, String> r = t.info(d, "replication");
                return "slave".equals(r.get("role")) && Integer.toString(master.servingPort()).equals(r.get("master_port"))
                        && "up".equals(r.get("master_link_status"));
            }, () -> t.info(d, "replication") + "\n" + t.logs());
        }
    }
}
