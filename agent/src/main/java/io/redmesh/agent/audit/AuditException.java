package io.redmesh.agent.audit;

import java.io.IOException;

/** The audit log cannot be used: in use elsewhere, damaged at its end, closed, or broken by a failed write. */
public final class AuditException extends IOException {
    private static final long serialVersionUID = 1L;

    public AuditException(String message) {
        super(message);
    }
}
