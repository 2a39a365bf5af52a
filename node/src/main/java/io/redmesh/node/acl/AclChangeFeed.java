package io.redmesh.node.acl;

import io.redmesh.node.spi.AclChangeListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The bridge between this node's users and the mesh: what clients change here goes out to
 * {@link AclChangeListener}s, and what the mesh decided comes in through {@link #applyRemote}.
 *
 * <p>Changes are found by comparing each user's ACL LIST line with the line last published,
 * so ACL SETUSER, DELUSER and LOAD are covered by one mechanism and a command that changed
 * nothing (SETUSER with the rules a user already has) publishes nothing. Remote changes update
 * the published lines as they apply, which is what keeps them from echoing back. Every method
 * runs with the keyspace lock held.
 */
public final class AclChangeFeed {
    private final Acl acl;
    private Map<String, String> published = new HashMap<>();
    /** Told about ACL changes clients make (the agent gossips them). */
    private final List<AclChangeListener> listeners = new CopyOnWriteArrayList<>();

    AclChangeFeed(Acl acl) {
        this.acl = acl;
    }

    public void addListener(AclChangeListener l) {
        listeners.add(l);
    }

    public void removeListener(AclChangeListener l) {
        listeners.remove(l);
    }

    /** Users as name -> rules (the ACL LIST line without "user <name> "). */
    public Map<String, String> snapshot() {
        Map<String, String> out = new HashMap<>();
        for (AclUser u : acl.users()) {
            out.put(u.name(), rulesOf(u));
        }
        return out;
    }

    /** Takes the current users as already known (start-up, before any listener exists). */
    public void baseline() {
        published = snapshot();
    }

    /** Tells the listeners about every user whose line changed since the last publish. */
    public void publish(String actor) {
        Map<String, String> now = snapshot();
        if (now.equals(published)) {
            return;
        }
        List<String[]> changes = new ArrayList<>();
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (!e.getValue().equals(published.get(e.getKey()))) {
                changes.add(new String[] {e.getKey(), e.getValue()});
            }
        }
        for (String name : published.keySet()) {
            if (!now.containsKey(name)) {
                changes.add(new String[] {name, null});
            }
        }
        published = now;
        for (AclChangeListener l : listeners) {
            for (String[] c : changes) {
                l.aclChanged(c[0], c[1], actor);
            }
        }
    }

    /**
     * Makes user {@code name} exactly {@code rules} (null deletes it; the default user cannot be
     * deleted and is reset instead), without telling the listeners. Sessions of a deleted user
     * are closed and narrowed subscribers disconnected, as the local commands do.
     *
     * @throws Acl.SetUserException when a rule does not parse (nothing changes then)
     */
    public void applyRemote(String name, String rules) throws Acl.SetUserException {
        if (rules == null) {
            if (name.equals("default")) {
                acl.replaceUser(name, List.of("reset"));
            } else {
                acl.deleteUser(name);
            }
        } else {
            List<String> args = new ArrayList<>();
            if (!rules.isBlank()) {
                args.addAll(Arrays.asList(rules.trim().split(" +")));
            }
            List<String> merged = AclRuleParser.mergeSelectorArguments(args, new int[1]);
            if (merged == null) {
                throw new Acl.SetUserException(rules, new AclRuleException(AclRuleException.Kind.SYNTAX));
            }
            acl.replaceUser(name, merged);
        }
        AclUser u = acl.user(name);
        if (u == null) {
            published.remove(name);
        } else {
            published.put(name, rulesOf(u));
        }
    }

    private String rulesOf(AclUser u) {
        String line = acl.describer().userLine(u);
        String prefix = "user " + u.name() + " ";
        return line.startsWith(prefix) ? line.substring(prefix.length()) : line;
    }
}
