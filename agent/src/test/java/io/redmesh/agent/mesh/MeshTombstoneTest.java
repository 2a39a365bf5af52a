package io.redmesh.agent.mesh;

import static io.redmesh.agent.mesh.MeshCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.record.RecordKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Tombstones with a short TTL (3 s): a delete spreads, is collected everywhere after the TTL,
 * and a member that was away longer than the TTL does not bring the deleted key back.
 */
class MeshTombstoneTest {
    static final Duration TTL = Duration.ofSeconds(3);
    static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void deletesSpreadAreCollectedAndDoNotComeBackFromALongAbsentMember() throws Exception {
        try (MeshCluster c = MeshCluster.of(3, TTL)) {
            c.startAll();
            c.awaitMembers(3, WAIT);
            MeshCluster.Member n1 = c.get(1);
            MeshCluster.Member n2 = c.get(2);
            MeshCluster.Member n3 = c.get(3);
            n1.publish(RecordKind.ACL_USER, "gone", "on");
            n1.publish(RecordKind.ACL_USER, "kept", "on");
            n1.publish(RecordKind.ACL_USER, "short-lived", "on");
            await(() -> c.members.stream().allMatch(m -> "on".equals(m.value("gone")) && "on".equals(m.value("short-lived"))),
                    WAIT, "records everywhere");
            await(() -> n3.mesh.lastSyncMillis() > 0, WAIT, "n3 synced once");

            // a delete reaches everybody as a tombstone
            n2.publish(RecordKind.ACL_USER, "short-lived", null);
            await(() -> c.members.stream().allMatch(m -> m.store.get(RecordKind.ACL_USER, "short-lived") != null
                    && m.store.get(RecordKind.ACL_USER, "short-lived").record().tombstone()), WAIT, "tombstone everywhere");

            // n3 goes away; "gone" is deleted while it is away
            n3.stop();
            n1.publish(RecordKind.ACL_USER, "gone", null);
            await(() -> n2.value("gone") == null && n2.store.get(RecordKind.ACL_USER, "gone") != null, WAIT, "delete at n2");

            // after the TTL both tombstones are collected on the running members
            await(() -> n1.store.get(RecordKind.ACL_USER, "gone") == null && n2.store.get(RecordKind.ACL_USER, "gone") == null
                    && n1.store.get(RecordKind.ACL_USER, "short-lived") == null, WAIT, "tombstones collected");
            assertTrue(n1.store.collectedCount() >= 2);
            assertEquals("on", n3.value("gone")); // n3 still has it, live
            await(() -> n3.store.stale(), WAIT, "n3 out of sync longer than the TTL");

            // n3 comes back: it forgets "gone" instead of resurrecting it
            n3.restart().join();
            await(() -> n3.mesh.synced(), WAIT, "n3 synced again");
            await(() -> c.members.stream().map(m -> m.store.digest(RecordKind.ACL_USER)).distinct().count() == 1,
                    WAIT, "converged");
            for (MeshCluster.Member m : c.members) {
                assertNull(m.store.get(RecordKind.ACL_USER, "gone"), m.name);
                assertEquals("on", m.value("kept"), m.name);
            }
        }
    }
}
