/**
 * Certificate issuance and rotation between agents, transport-free:
 * {@link io.redmesh.agent.cert.IssuerService} (request bytes in, response bytes out; join token
 * or proof by the current key) and {@link io.redmesh.agent.cert.CertificateRotator} (per node:
 * new key pair per renewal, renew at 2/3 of the lifetime, backoff while the issuer is down, files
 * written atomically, listener). The mesh carries {@link io.redmesh.agent.cert.IssueRequest} and
 * {@link io.redmesh.agent.cert.IssueResponse} bytes.
 *
 * <p>Known limit: a join token's id is remembered by the issuer that accepted it; with several
 * issuers, a token could be used once at each unless used ids are shared (e.g. gossiped).
 */
package io.redmesh.agent.cert;
