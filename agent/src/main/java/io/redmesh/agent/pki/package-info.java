/**
 * RedMesh's PKI, socket-free: EC P-256 keys, SHA256withECDSA, BouncyCastle for building
 * certificates and CSRs and for passphrase-encrypted PKCS#8 (PBKDF2-HMAC-SHA256 + AES-256-CBC).
 *
 * <ul>
 * <li>{@link io.redmesh.agent.pki.CertificateAuthority}: root, issuing CA (pathLen 0), leaf
 *     signing with the RedMesh profile (CN=node, OU=role, O=RedMesh; DNS/IP SANs from the CSR
 *     after the {@link io.redmesh.agent.pki.SanPolicy}; URI spiffe://redmesh/node/NAME set by
 *     the issuer; EKU serverAuth+clientAuth; KeyUsage digitalSignature; random 128-bit serials).
 * <li>{@link io.redmesh.agent.pki.CertificateRequests}: node key pairs and CSRs.
 * <li>{@link io.redmesh.agent.pki.JoinToken}: one-time tokens {@code rmjt1.payload.signature}.
 * <li>{@link io.redmesh.agent.pki.TrustBundle} (PKIX checks),
 *     {@link io.redmesh.agent.pki.SignedTrustBundle} (TRUST_BUNDLE record values, signed by
 *     roots, sequence-numbered), {@link io.redmesh.agent.pki.RevocationList} (REVOCATION values).
 * <li>{@link io.redmesh.agent.pki.CaRotation}: new root, overlap bundle, final bundle.
 * <li>{@link io.redmesh.agent.pki.Pem}, {@link io.redmesh.agent.pki.SecureFiles} (atomic,
 *     fsync'd, 0600 for keys), {@link io.redmesh.agent.pki.CaDirectory} (the on-disk layout).
 * </ul>
 * Every parser turns malformed input into a {@link io.redmesh.agent.pki.PkiException} whose
 * message names the input and the problem.
 */
package io.redmesh.agent.pki;
