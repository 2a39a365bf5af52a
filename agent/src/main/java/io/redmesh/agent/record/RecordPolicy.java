package io.redmesh.agent.record;

import java.security.cert.X509Certificate;

/**
 * Who may publish what: called after the signature and chain checked out, with the record and
 * the signer's leaf certificate (so a policy can look at its role, e.g. the subject OU).
 * Returns null to accept, or a short reason (a metric label: lower-case, no spaces) to reject.
 */
@FunctionalInterface
public interface RecordPolicy {
    RecordPolicy ALLOW_ALL = (record, signer) -> null;

    String check(Record record, X509Certificate signer);
}
