package io.redmesh.sentinel;

/**
 * The message sentinels publish every 2 seconds on {@code __sentinel__:hello} of every master and
 * replica (and send to every sentinel with PUBLISH): who they are and what they believe the
 * master's configuration is. Eight comma-separated fields:
 * <pre>
 * sentinel_ip,sentinel_port,sentinel_runid,current_epoch,master_name,master_ip,master_port,master_config_epoch
 * </pre>
 * Anything else is ignored, as Redis ignores it.
 */
record Hello(String ip, int port, String runid, long currentEpoch, String masterName, String masterIp,
             int masterPort, long masterConfigEpoch) {
    /** A hello is one short line; a longer payload is not one (bounded parsing cost). */
    static final int MAX_LENGTH = 4096;

    String format() {
        return ip + "," + port + "," + runid + "," + Long.toUnsignedString(currentEpoch) + "," + masterName + ","
                + masterIp + "," + masterPort + "," + Long.toUnsignedString(masterConfigEpoch);
    }

    /** sentinelProcessHelloMessage()'s split: null unless exactly eight fields. */
    static Hello parse(String payload) {
        if (payload.length() > MAX_LENGTH) {
            return null;
        }
        String[] t = payload.split(",", -1);
        if (t.length != 8) {
            return null;
        }
        return new Hello(t[0], (int) Numbers.atoi(t[1]), t[2], Numbers.strtoull(t[3]), t[4], t[5],
                (int) Numbers.atoi(t[6]), Numbers.strtoull(t[7]));
    }
}
