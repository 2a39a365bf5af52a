package io.redmesh.agent.status;

import io.redmesh.node.spi.InfoSection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code INFO security}: this node's mesh view in Redis's "field:value" form, then one line per
 * member (as INFO keyspace lists databases), so drift between nodes is visible from any node:
 *
 * <pre>
 * mesh_name:node1
 * mesh_role:operator
 * mesh_members:3
 * mesh_synced:1
 * acl_version:1764288000123.0
 * acl_digest:5d41402abc4b2a76
 * acl_users:4
 * acl_records_rejected:0
 * cert_serial:7f3a...
 * cert_expires_in_seconds:85000
 * trust_roots:1
 * revoked_serials:0
 * repl_role:slave
 * repl_master_host:127.0.0.1
 * repl_master_port:6380
 * member_node2:reachable=1,role=node,acl_version=...,acl_digest=...,cert_serial=...,cert_expires_in=...,
 *   repl_role=master,repl_master_host=,repl_master_port=0
 * </pre>
 */
public final class SecurityInfo implements InfoSection {
    /** What the agent knows right now: its own status, its counters and the members' statuses. */
    public record View(MemberStatus self, long rejected, List<MemberView> members) {}

    /** One member as this node sees it. */
    public record MemberView(String name, boolean reachable, MemberStatus status) {}

    private final Supplier<View> view;

    public SecurityInfo(Supplier<View> view) {
        this.view = view;
    }

    @Override
    public String name() {
        return "security";
    }

    @Override
    public String render() {
        View v = view.get();
        long now = System.currentTimeMillis();
        MemberStatus s = v.self();
        StringBuilder b = new StringBuilder();
        field(b, "mesh_name", s.name());
        field(b, "mesh_role", s.role());
        field(b, "mesh_members", Integer.toString(s.members())); // reachable, this node included
        field(b, "mesh_synced", s.synced() ? "1" : "0");
        field(b, "acl_version", MemberStatus.formatVersion(s.aclVersion()));
        field(b, "acl_digest", s.aclDigest());
        field(b, "acl_users", Integer.toString(s.aclUsers()));
        field(b, "acl_records_rejected", Long.toString(v.rejected()));
        field(b, "cert_serial", s.certSerial());
        field(b, "cert_expires_in_seconds", Long.toString(s.certExpiresIn(now)));
        field(b, "trust_roots", Integer.toString(s.trustRoots()));
        field(b, "revoked_serials", Integer.toString(s.revoked()));
        field(b, "repl_role", s.replRole());
        field(b, "repl_master_host", host(s.replMaster()));
        field(b, "repl_master_port", port(s.replMaster()));
        List<MemberView> members = new ArrayList<>(v.members());
        members.sort(Comparator.comparing(MemberView::name));
        for (MemberView m : members) {
            MemberStatus ms = m.status();
            b.append("member_").append(safe(m.name())).append(":reachable=").append(m.reachable() ? 1 : 0);
            if (ms != null) {
                b.append(",role=").append(safe(ms.role()))
                 .append(",acl_version=").append(MemberStatus.formatVersion(ms.aclVersion()))
                 .append(",acl_digest=").append(safe(ms.aclDigest()))
                 .append(",cert_serial=").append(safe(ms.certSerial()))
                 .append(",cert_expires_in=").append(ms.certExpiresIn(now))
                 .append(",status_age_ms=").append(Math.max(0, now - ms.updatedMillis()))
                 .append(",repl_role=").append(safe(ms.replRole()))
                 .append(",repl_master_host=").append(safe(host(ms.replMaster())))
                 .append(",repl_master_port=").append(safe(port(ms.replMaster())));
            }
            b.append("\r\n");
        }
        return b.toString();
    }

    private static void field(StringBuilder b, String k, String v) {
        b.append(k).append(':').append(safe(v)).append("\r\n");
    }

    /** The host of a "host:port" (an IPv6 host keeps its colons as '_': one ':' per INFO line). */
    static String host(String hostPort) {
        if (hostPort == null || hostPort.lastIndexOf(':') < 0) {
            return "";
        }
        return hostPort.substring(0, hostPort.lastIndexOf(':'));
    }

    static String port(String hostPort) {
        if (hostPort == null || hostPort.lastIndexOf(':') < 0) {
            return "0";
        }
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    /**
     * Text a peer controls (its member id, its status) as one INFO token: anything but letters,
     * digits, '.', '-' and '_' becomes '_', so a member cannot add lines (CR/LF) or fields
     * (',', '=', ':') to this node's INFO.
     */
    static String safe(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_');
            out.append(ok ? c : '_');
        }
        return out.toString();
    }
}
