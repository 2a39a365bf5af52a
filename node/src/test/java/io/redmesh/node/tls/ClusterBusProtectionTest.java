package io.redmesh.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.Node;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * cluster-bus-port-protected-mode as the configuration judges it: a cluster node with a tls-port
 * and no tls-cluster does not start unless protection is waived; a cluster without TLS starts as
 * in Redis 7.0; CONFIG SET never reaches an unprotected state, judged on all of its values.
 */
class ClusterBusProtectionTest {
    private static ServerConfig load(String... args) throws ConfigLoader.FatalConfigError {
        ServerConfig c = Node.newConfig();
        new ConfigLoader(c, Node.REDIS_VERSION).loadArgs(List.of(args));
        return c;
    }

    @Test
    void aClusterNodeWithTlsButNoTlsClusterDoesNotStartUnlessWaived() throws Exception {
        ConfigLoader.FatalConfigError e = assertThrows(ConfigLoader.FatalConfigError.class,
                () -> load("--cluster-enabled", "yes", "--tls-port", "16380"));
        assertTrue(e.getMessage().contains("*** FATAL CONFIG FILE ERROR"), e.getMessage());
        assertTrue(e.getMessage().contains("cluster-bus-port-protected-mode is enabled but tls-cluster is disabled"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'cluster-bus-port-protected-mode no'"), e.getMessage());
        // the waiver is honoured wherever it comes, as is tls-cluster itself
        load("--cluster-bus-port-protected-mode", "no", "--cluster-enabled", "yes", "--tls-port", "16380");
        load("--cluster-enabled", "yes", "--tls-port", "16380", "--tls-cluster", "yes");
    }

    @Test
    void withoutTlsOrOutsideClusterModeNothingChanges() throws Exception {
        load("--cluster-enabled", "yes");
        ServerConfig standalone = load("--tls-port", "16380");
        standalone.set(pairs("cluster-bus-port-protected-mode", "no"));
        standalone.set(pairs("cluster-bus-port-protected-mode", "yes"));
    }

    @Test
    void configSetNeverUnprotectsTheBusButOneCallMayWaiveAndSwitch() throws Exception {
        ServerConfig c = load("--cluster-enabled", "yes", "--tls-port", "16380", "--tls-cluster", "yes");
        ServerConfig.ConfigSetError e = assertThrows(ServerConfig.ConfigSetError.class,
                () -> c.set(pairs("tls-cluster", "no")));
        assertEquals("CONFIG SET failed (possibly related to argument 'tls-cluster') - can't disable tls-cluster while "
                + "cluster-bus-port-protected-mode is enabled; disable cluster-bus-port-protected-mode in the same "
                + "CONFIG SET call to allow it", e.getMessage());
        assertTrue(c.getBool("tls-cluster"), "refused: nothing changed");
        for (String[] order : new String[][] {{"cluster-bus-port-protected-mode", "no", "tls-cluster", "no"},
            {"tls-cluster", "no", "cluster-bus-port-protected-mode", "no"}}) {
            c.set(pairs(order));
            assertEquals(false, c.getBool("tls-cluster"));
            ServerConfig.ConfigSetError again = assertThrows(ServerConfig.ConfigSetError.class,
                    () -> c.set(pairs("cluster-bus-port-protected-mode", "yes")));
            assertTrue(again.getMessage().endsWith(
                    "can't enable cluster-bus-port-protected-mode while tls-cluster is disabled"), again.getMessage());
            c.set(pairs("tls-cluster", "yes", "cluster-bus-port-protected-mode", "yes"));
        }
        // in the safe order, one directive at a time
        c.set(pairs("cluster-bus-port-protected-mode", "no"));
        c.set(pairs("tls-cluster", "no"));
        c.set(pairs("tls-cluster", "yes"));
        c.set(pairs("cluster-bus-port-protected-mode", "yes"));
        assertTrue(c.getBool("cluster-bus-port-protected-mode"));
    }

    private static List<String[]> pairs(String... kv) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new String[] {kv[i], kv[i + 1]});
        }
        return out;
    }
}
