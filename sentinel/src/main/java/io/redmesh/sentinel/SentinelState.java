package io.redmesh.sentinel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Redis's {@code struct sentinelState}: this sentinel's id and epoch, the masters it watches, TILT,
 * and the global settings of the {@code sentinel} directives. Read and written under the node's
 * lock only.
 */
final class SentinelState {
    static final int RUN_ID_SIZE = 40;
    static final String HELLO_CHANNEL = "__sentinel__:hello";
    static final boolean DEFAULT_DENY_SCRIPTS_RECONFIG = true;

    final SentinelTimings timings = new SentinelTimings();
    /** 40 hex characters, or null until the first start picks one. */
    String myid;
    long currentEpoch;
    final Map<String, Instance> masters = new LinkedHashMap<>();
    boolean tilt;
    long tiltStartTime;
    long previousTime = System.currentTimeMillis();
    String announceIp;
    int announcePort;
    /** SENTINEL SIMULATE-FAILURE flags: 1 crash after election, 2 after promotion. */
    int simFailureFlags;
    boolean denyScriptsReconfig = DEFAULT_DENY_SCRIPTS_RECONFIG;
    String sentinelAuthPass;
    String sentinelAuthUser;
    boolean resolveHostnames;
    boolean announceHostnames;

    static final int SIMFAILURE_CRASH_AFTER_ELECTION = 1;
    static final int SIMFAILURE_CRASH_AFTER_PROMOTION = 2;

    Instance master(String name) {
        return masters.get(name);
    }

    /** announceSentinelAddr() with this sentinel's announce-hostnames. */
    String announce(Address a) {
        return a.announce(announceHostnames);
    }

    /** createSentinelAddr() with this sentinel's resolve-hostnames. */
    Address address(String host, int port, boolean acceptUnresolved) throws Address.AddressException {
        return Address.create(host, port, acceptUnresolved, resolveHostnames);
    }
}
