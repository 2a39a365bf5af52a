package io.redmesh.agent.sidecar;

/**
 * One difference between the users on the server and the users the mesh wants there, found by a
 * drift check, and what the sidecar did about it.
 *
 * @param user     the user name
 * @param kind     what differed
 * @param found    the server's rules (null when the user was missing)
 * @param wanted   the wanted rules (null for an extra user)
 * @param repaired true when the server now matches
 * @param error    why it was not repaired (Redis's error text or the refusal), null if repaired
 */
public record DriftEvent(String user, Kind kind, String found, String wanted, boolean repaired, String error) {

    public enum Kind {
        /** Wanted, absent on the server: created. */
        MISSING,
        /** Present with other rules: replaced (ACL SETUSER name reset ...). */
        CHANGED,
        /** On the server, not wanted: deleted (ACL DELUSER). */
        EXTRA,
        /** The wanted set would change a locally managed user (the admin): not applied. */
        REFUSED
    }

    /** Receives every drift event, on the drift-repair thread (the coordinator logs and audits them). */
    @FunctionalInterface
    public interface Listener {
        void drift(DriftEvent event);
    }
}
