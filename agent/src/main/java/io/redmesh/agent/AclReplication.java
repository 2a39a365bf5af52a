package io.redmesh.agent;

import io.redmesh.agent.audit.AuditLog;
import io.redmesh.agent.mesh.Mesh;
import io.redmesh.agent.node.NodeAdapter;
import io.redmesh.agent.record.RecordKind;
import io.redmesh.agent.record.RecordSigner;
import io.redmesh.agent.record.RecordStore;
import io.redmesh.agent.record.SignedRecord;
import io.redmesh.node.spi.NodeLog;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * ACL users between one node and the mesh. The record store is the truth; the node follows it:
 * <ul>
 * <li>a change a client makes on the node becomes a signed ACL_USER record (a tombstone for a
 *     deletion) published to every member;
 * <li>every record the store accepts, local or remote, is applied to the node;
 * <li>after either, the node's copy of that user is compared with the store's and repaired,
 *     so a local change that lost to a newer remote one, or that the mesh policy refused (an
 *     administrator created on a non-operator node), does not leave this node different.
 * </ul>
 * All node work runs on one thread, in the order events happened, off the node's executor and
 * the mesh's threads. Audit lines are written (and fsync'd) on a second thread, in the same
 * order: a slow disk must not hold the next change back (under load an fsync took 20-100 ms,
 * longer than the gap between changes arriving from the mesh; see docs/PERFORMANCE.md).
 */
final class AclReplication implements AutoCloseable {
    private final NodeAdapter node;
    private final RecordStore store;
    private final Supplier<RecordSigner> signer;
    private final Supplier<Mesh> mesh;
    private final AuditLog audit;
    private final String self;
    private final ExecutorService worker;
    private final ExecutorService auditor;
    private final boolean seedLocalUsers;

    /**
     * @param seedLocalUsers whether users only the node has are published at the first sync
     *                       (a RedMesh node's own users; never a sidecar's, whose local admin
     *                       user and password are that server's alone)
     */
    AclReplication(NodeAdapter node, RecordStore store, Supplier<RecordSigner> signer, Supplier<Mesh> mesh,
                   AuditLog audit, String self, boolean seedLocalUsers) {
        this.seedLocalUsers = seedLocalUsers;
        this.node = node;
        this.store = store;
        this.signer = signer;
        this.mesh = mesh;
        this.audit = audit;
        this.self = self;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-acl-" + self);
            t.setDaemon(true);
            return t;
        });
        this.auditor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "agent-acl-audit-" + self);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts following local changes and applying accepted records. */
    void start() {
        node.onLocalAclChange((name, rules, actor) -> submit(() -> localChange(name, rules, actor)));
        store.addListener((now, before) -> {
            if (now.record().kind() == RecordKind.ACL_USER) {
                submit(() -> applied(now));
            }
        });
    }

    /**
     * After the first sync: users the mesh knows are made exactly the mesh's on this node. In a
     * mesh that never had users, this node's own (aclfile, redis.conf user lines) are published;
     * otherwise users only this node has are removed here (sidecars: left to drift repair).
     * Until the first sync ({@code synced} false) only the first part runs: the agent calls
     * again once a sync round completed.
     * Waits for the work to finish (bounded), so the node's listeners open on synced users.
     */
    void reconcile(boolean synced) {
        var done = worker.submit(() -> {
            Map<String, String> local = users();
            if (local == null) {
                return;
            }
            // Seed only a mesh that has never had users: once it has, a user this node alone
            // holds (an old aclfile line, or one deleted while this node was away longer than
            // the tombstones are kept) must not come back for everyone.
            boolean newMesh = store.entries(RecordKind.ACL_USER).isEmpty();
            for (SignedRecord r : store.entries(RecordKind.ACL_USER)) {
                converge(r.record().key(), local);
            }
            if (!synced || !seedLocalUsers) {
                return; // not known yet what the mesh holds (or a sidecar: drift repair decides)
            }
            for (Map.Entry<String, String> e : local.entrySet()) {
                if (newMesh) {
                    publish(e.getKey(), e.getValue(), "agent:" + self + " (initial users)");
                } else if (store.get(RecordKind.ACL_USER, e.getKey()) == null && !e.getKey().equals("default")) {
                    NodeLog.warning("Agent " + self + ": ACL user '" + e.getKey() + "' exists only on this node; "
                            + "the mesh does not know it, so it is removed here (create it again to share it)");
                    try {
                        node.deleteUser(e.getKey());
                    } catch (NodeAdapter.NodeException ex) {
                        NodeLog.warning("Agent: could not remove '" + e.getKey() + "': " + ex.getMessage());
                    }
                }
            }
        });
        try {
            done.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            NodeLog.warning("Agent: applying the mesh's users took too long or failed: " + e);
        }
    }

    /**
     * Queues node work; after close (the agent stopping while a client still runs ACL SETUSER
     * under the server lock) the change is only logged: it must not fail the command.
     */
    private void submit(Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            NodeLog.verbose("Agent " + self + ": stopping; an ACL change is not distributed");
        }
    }

    private void localChange(String name, String rules, String actor) {
        java.util.List<String> dropped = node.droppedRules(name);
        if (!dropped.isEmpty() && store.get(RecordKind.ACL_USER, name) != null) {
            // this node holds the mesh's user without rules naming commands it lacks: published
            // from here, the change would take those rules from every member
            NodeLog.warning("Agent: the change to ACL user '" + name + "' by " + actor + " is undone on "
                    + node.describe() + ": this node holds it without " + dropped
                    + " (commands it does not have); change it on a member that has them");
            converge(name, null);
            return;
        }
        if (!publish(name, rules, actor) && store.get(RecordKind.ACL_USER, name) == null && !name.equals("default")) {
            // refused, and the mesh never had this user: the change created it, so undo that
            try {
                node.deleteUser(name);
            } catch (NodeAdapter.NodeException e) {
                NodeLog.warning("Agent: could not undo ACL user '" + name + "': " + e.getMessage());
            }
        }
        converge(name, null);
    }

    /** False when the mesh refused the change (policy, or a signer problem). */
    private boolean publish(String name, String rules, String actor) {
        RecordSigner s = signer.get();
        SignedRecord r = rules == null ? s.delete(RecordKind.ACL_USER, name)
                : s.sign(RecordKind.ACL_USER, name, rules.getBytes(StandardCharsets.UTF_8));
        try {
            boolean newer = mesh.get() != null ? mesh.get().publish(r) : store.offer(r);
            if (newer) {
                audit(rules == null ? AuditLog.ACL_DELUSER : AuditLog.ACL_SETUSER, actor, name, r,
                        rules == null ? Map.of() : Map.of("rules", AuditLog.redactAclRules(rules)));
            }
            return true;
        } catch (IllegalArgumentException refused) {
            NodeLog.warning("Agent: the change to ACL user '" + name + "' by " + actor
                    + " is not distributed and is undone here: " + refused.getMessage());
            audit(AuditLog.RECORD_REJECTED, actor, name, r, Map.of("reason", refused.getMessage(), "local", true));
            return false;
        }
    }

    private void applied(SignedRecord r) {
        converge(r.record().key(), null);
        if (!r.record().version().origin().equals(self)) {
            audit(AuditLog.ACL_REMOTE_APPLY, r.record().version().origin(), r.record().key(), r,
                    r.record().tombstone() ? Map.of("deleted", true) : Map.of());
        }
    }

    /** Makes the node's user {@code name} what the store says (absent from the store: left alone). */
    private void converge(String name, Map<String, String> localSnapshot) {
        SignedRecord r = store.get(RecordKind.ACL_USER, name);
        if (r == null) {
            return;
        }
        Map<String, String> local = localSnapshot != null ? localSnapshot : users();
        if (local == null) {
            return;
        }
        String want = r.record().tombstone() ? null : new String(r.record().value(), StandardCharsets.UTF_8);
        String have = local.get(name);
        if (java.util.Objects.equals(want, have) || (want == null && name.equals("default") && have != null)) {
            return;
        }
        try {
            if (want == null) {
                node.deleteUser(name);
            } else {
                node.setUser(name, want);
            }
        } catch (NodeAdapter.NodeException e) {
            NodeLog.warning("Agent: could not apply ACL user '" + name + "' to " + node.describe() + ": "
                    + e.getMessage());
        }
    }

    private Map<String, String> users() {
        try {
            return node.users();
        } catch (NodeAdapter.NodeException e) {
            NodeLog.warning("Agent: cannot read the users of " + node.describe() + ": " + e.getMessage());
            return null;
        }
    }

    /** Queues an audit line (written in order on the audit thread). */
    private void audit(String action, String actor, String subject, SignedRecord r, Map<String, ?> details) {
        String version = r.record().version().toString();
        try {
            auditor.execute(() -> {
                try {
                    audit.append(actor, action, subject, version, details);
                } catch (java.io.IOException | RuntimeException e) {
                    NodeLog.warning("Agent: audit log write failed: " + e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            NodeLog.warning("Agent: closing, audit line not written: " + action + " " + subject + " " + version);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        // lines already queued are written before the log closes; no interrupt, which would
        // close the log's FileChannel under every other writer
        auditor.shutdown();
        try {
            if (!auditor.awaitTermination(5, TimeUnit.SECONDS)) {
                NodeLog.warning("Agent: audit lines still queued after 5 s at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
