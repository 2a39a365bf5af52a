package io.redmesh.agent.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.node.testing.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The periodic drift pass against a record that arrives while it runs: the wanted set must be
 * read under the same lock as the user changes, or a pass holding a snapshot from just before
 * the record deletes the freshly created user as "extra" (and redis-server closes its
 * connections) until the next pass puts it back.
 */
class SidecarDriftRaceTest {
    private static final String RULES = "on nopass ~f:* resetchannels -@all +get";

    @Test
    void aUserCreatedWhileAPassReadsTheWantedSetIsNotDeletedAsExtra() throws Exception {
        Assumptions.assumeTrue(SidecarRedis.available(), "redis-server not installed");
        ExecutorService agentWorker = Executors.newSingleThreadExecutor();
        try (TestCertificates certs = TestCertificates.create();
             SidecarRedis r = SidecarRedis.tls(certs);
             SidecarNode n = SidecarNode.connect(r.sidecar().build())) {
            Map<String, String> store = new ConcurrentHashMap<>(Map.of("default", "on nopass ~* &* +@all"));
            List<DriftEvent> events = Collections.synchronizedList(new ArrayList<>());
            n.onDrift(events::add);
            CountDownLatch raced = new CountDownLatch(1);
            List<Future<?>> record = new ArrayList<>();
            n.startDriftRepair(() -> {
                Map<String, String> snapshot = Map.copyOf(store);
                if (raced.getCount() > 0) {
                    // A record arrives right after the snapshot: the store has it, then the
                    // agent's worker applies it (what AclReplication does).
                    store.put("fresh", RULES);
                    record.add(agentWorker.submit(() -> {
                        n.setUser("fresh", RULES);
                        return null;
                    }));
                    try {
                        record.get(0).get(300, TimeUnit.MILLISECONDS); // done now unless the pass holds the lock
                    } catch (TimeoutException expected) {
                        // it waits for this pass: the fix
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    raced.countDown();
                }
                return snapshot;
            }, Duration.ofMillis(50));
            assertTrue(raced.await(10, TimeUnit.SECONDS));
            record.get(0).get(5, TimeUnit.SECONDS);
            Thread.sleep(300); // a few more passes
            n.stopDriftRepair();
            assertTrue(n.users().containsKey("fresh"), "fresh is there");
            assertEquals(List.of(), events.stream().filter(e -> e.user().equals("fresh")).toList(),
                    "fresh was never seen as drift");
        } finally {
            agentWorker.shutdownNow();
        }
    }
}
