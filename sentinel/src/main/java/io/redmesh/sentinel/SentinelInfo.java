package io.redmesh.sentinel;

import io.redmesh.node.spi.InfoSection;

/** INFO's "# Sentinel" section, fields and order as Redis 7.0's sentinelInfoCommand(). */
final class SentinelInfo implements InfoSection {
    private final Sentinel s;

    SentinelInfo(Sentinel s) {
        this.s = s;
    }

    @Override
    public String name() {
        return "sentinel";
    }

    @Override
    public String render() {
        SentinelState st = s.state;
        StringBuilder b = new StringBuilder();
        b.append("sentinel_masters:").append(st.masters.size()).append("\r\n");
        b.append("sentinel_tilt:").append(st.tilt ? 1 : 0).append("\r\n");
        b.append("sentinel_tilt_since_seconds:")
                .append(st.tilt ? (System.currentTimeMillis() - st.tiltStartTime) / 1000 : -1).append("\r\n");
        b.append("sentinel_running_scripts:").append(s.scripts.running()).append("\r\n");
        b.append("sentinel_scripts_queue_length:").append(s.scripts.queued()).append("\r\n");
        b.append("sentinel_simulate_failure_flags:").append(st.simFailureFlags).append("\r\n");
        int id = 0;
        for (Instance ri : st.masters.values()) {
            String status = ri.is(Instance.O_DOWN) ? "odown" : ri.is(Instance.S_DOWN) ? "sdown" : "ok";
            b.append("master").append(id++).append(":name=").append(ri.name).append(",status=").append(status)
                    .append(",address=").append(st.announce(ri.addr)).append(':').append(ri.addr.port)
                    .append(",slaves=").append(ri.slaves.size()).append(",sentinels=").append(ri.sentinels.size() + 1)
                    .append("\r\n");
        }
        return b.toString();
    }
}
