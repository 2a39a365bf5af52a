package io.redmesh.cluster.command;

import io.redmesh.cluster.state.ClusterNode;
import io.redmesh.cluster.state.ClusterState;
import io.redmesh.cluster.state.NodeDescriber;
import io.redmesh.node.spi.cluster.HashSlots;
import io.redmesh.node.spi.cluster.KeyRouter;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * getNodeByQuery + clusterRedirectClient: serve here, or -MOVED / -ASK / -CROSSSLOT / -TRYAGAIN /
 * -CLUSTERDOWN with Redis 7.0's texts. Redirects name the endpoint a client of that transport
 * should use: the TLS port for a TLS client, the plaintext port otherwise (Redis fixed this only
 * in 7.2), and the hostname under cluster-preferred-endpoint-type hostname. A redirect carries
 * only a slot number and an address, never a key name.
 */
public final class SlotRouter implements KeyRouter {
    private final ClusterState st;
    private final Settings settings;

    /** The few directives routing reads, as the cluster keeps them current. */
    public interface Settings {
        boolean allowReadsWhenDown();

        boolean allowPubsubshardWhenDown();

        String preferredEndpoint();

        /**
         * The bus has not run for longer than the node timeout (the process was frozen, SIGSTOP,
         * or its bus loop starved): what it believes of the cluster may be stale.
         */
        boolean busBehind();
    }

    public SlotRouter(ClusterState st, Settings settings) {
        this.st = st;
        this.settings = settings;
    }

    @Override
    public String route(RoutedRequest r) {
        List<byte[]> keys = r.keys();
        ClusterNode me = st.myself;
        ClusterNode n = null;
        int slot = -1;
        boolean migrating = false;
        boolean importing = false;
        boolean multipleKeys = false;
        int missing = 0;
        for (byte[] key : keys) {
            int s = HashSlots.slot(key);
            if (slot < 0) {
                slot = s;
                n = st.slots.owner(s);
                if (n == null) {
                    return "CLUSTERDOWN Hash slot not served";
                }
                if (n == me && st.slots.migratingTo(s) != null) {
                    migrating = true;
                } else if (st.slots.importingFrom(s) != null) {
                    importing = true;
                }
            } else {
                if (s != slot) {
                    return "CROSSSLOT Keys in request don't hash to the same slot";
                }
                multipleKeys = true;
            }
            if ((migrating || importing) && !r.exists(key)) {
                missing++;
            }
        }
        if (slot < 0) {
            return null; // no keys: any node serves it
        }
        // A master frozen past the node timeout may have been replaced; its client thread can
        // run before its bus loop reads the news (7.0's one thread read the bus first and
        // answered -MOVED). Until the bus has run, it answers as 7.0 does when its cron sees
        // the others silent first: the cluster is down, so no write lands on a replaced master.
        if (settings.busBehind() && !settings.allowReadsWhenDown()) {
            return "CLUSTERDOWN The cluster is down";
        }
        if (st.state != ClusterState.OK) {
            if (r.pubsubShard()) {
                if (!settings.allowPubsubshardWhenDown()) {
                    return "CLUSTERDOWN The cluster is down";
                }
            } else if (!settings.allowReadsWhenDown()) {
                return "CLUSTERDOWN The cluster is down";
            } else if (r.write()) {
                return "CLUSTERDOWN The cluster is down and only accepts read commands";
            }
        }
        if ((migrating || importing) && r.command().equals("migrate")) {
            return null;
        }
        if (migrating && missing > 0) {
            if (multipleKeys && missing < keys.size()) {
                return "TRYAGAIN Multiple keys request during rehashing of slot";
            }
            return "ASK " + slot + " " + endpoint(st.slots.migratingTo(slot), r.tls());
        }
        if (importing && r.asking()) {
            if (multipleKeys && missing > 0) {
                return "TRYAGAIN Multiple keys request during rehashing of slot";
            }
            return null;
        }
        boolean readable = !r.write() && (r.readOnlyClient() || r.pubsubShard());
        if (readable && me.isReplica() && me.master == n) {
            return null;
        }
        if (n != me) {
            return "MOVED " + slot + " " + endpoint(n, r.tls());
        }
        return null;
    }

    /** "host:port" as a client of that transport reaches the node (Redis's clusterRedirectClient). */
    public String endpoint(ClusterNode n, boolean tls) {
        String host = n.ip;
        switch (settings.preferredEndpoint()) {
            case "hostname" -> host = n.hostname.isEmpty() ? "?" : n.hostname;
            case "unknown-endpoint" -> host = "?";
            default -> { }
        }
        return host + ":" + NodeDescriber.clientPort(n, tls);
    }
}
