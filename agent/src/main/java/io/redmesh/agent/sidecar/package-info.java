/**
 * Sidecar mode: the agent manages a stock redis-server 7 (Debian's 7.0.15 is the reference)
 * that it cannot change, over one admin connection (TLS, or plain TCP when so configured).
 *
 * <ul>
 *   <li>{@link io.redmesh.agent.sidecar.SidecarNode} implements the agent's
 *       {@link io.redmesh.agent.node.NodeAdapter}: users through ACL LIST/SETUSER/DELUSER, TLS
 *       material through one {@code CONFIG SET tls-cert-file .. tls-key-file .. tls-ca-cert-file ..}
 *       checked by a new handshake, periodic drift repair.</li>
 *   <li>{@link io.redmesh.agent.sidecar.SidecarConfig}: address, admin credentials (never logged),
 *       TLS files, timeouts and the reconnect budget.</li>
 *   <li>{@link io.redmesh.agent.sidecar.DriftEvent}: one difference found and what was done.</li>
 * </ul>
 *
 * <h2>The admin user</h2>
 * The sidecar sends AUTH, ACL LIST, ACL SETUSER, ACL DELUSER, CONFIG GET tls-port and CONFIG SET
 * tls-*, nothing else (no CLIENT SETNAME/SETINFO), so the least an admin user needs is
 * {@code user meshadmin on >pw resetchannels -@all +acl|list +acl|setuser +acl|deluser
 * +config|get +config|set}. That is still an administrator (it can create any user): keep its
 * password in a file only the agent reads.
 *
 * <h2>Rules and limits (what a stock server allows)</h2>
 * <ul>
 *   <li>The admin user is managed locally only: records that would change or delete it are
 *       refused (warning + REFUSED event), so the mesh cannot lock the sidecar out. The
 *       {@code default} user follows the mesh unless {@code manageDefaultUser(false)}; it is never
 *       deleted (Redis refuses).</li>
 *   <li>Local ACL changes cannot be observed (no command stream): they are drift and are undone
 *       by the next pass; the mesh is the source of truth on a sidecar node.</li>
 *   <li>Revocation cannot be enforced: Redis 7.0 has no CRL or serial check and does not expose
 *       which certificate a connection presented. Revoked serials are logged and listed; they
 *       stop working when their CA leaves the trust bundle (CA rotation) or they expire.</li>
 *   <li>Rotation keeps established connections: Redis swaps its SSL_CTX for new handshakes only.
 *       Redis 7.0 reloads the files on CONFIG SET even when the paths are unchanged, so a rotator
 *       may rewrite the same files in place (atomically).</li>
 * </ul>
 */
package io.redmesh.agent.sidecar;
