package io.redmesh.sentinel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The least-privilege ACL rules of Sentinel's links, declared once: what a sentinel sends to a
 * data node (with {@code sentinel auth-user}) and to another sentinel (with {@code sentinel
 * sentinel-user}), and what a sentinel-aware client (Jedis's and Lettuce's sentinel support,
 * redis-cli) needs on a sentinel. Data nodes never connect to sentinels, so they need nothing
 * there. docs/SENTINEL.md quotes these lines; SentinelAclTest fails over a topology whose links
 * use exactly these rules and checks the ACL LOG stays empty. With an agent, the users are mesh
 * users: set once on any member (ACL SETUSER), they reach every node and sentinel of the mesh.
 */
public final class SentinelAcl {
    /** The hello channel is the only channel a sentinel uses, on data nodes and on sentinels. */
    private static final String HELLO = "&" + SentinelState.HELLO_CHANNEL;

    /**
     * On data nodes (masters and replicas): PING, INFO, the hello channel (SUBSCRIBE, PUBLISH),
     * CLIENT SETNAME on each link, SCRIPT KILL on a master busy with a script, and the failover's
     * transaction (MULTI, SLAVEOF, CONFIG REWRITE, CLIENT KILL, EXEC). REPLICAOF is SLAVEOF's
     * alias and needs its own rule: Sentinel sends SLAVEOF, as Redis's does.
     */
    public static final List<String> DATA_NODE_RULES = List.of("-@all", "+ping", "+info", "+subscribe", "+publish",
            "+client|setname", "+client|kill", "+script|kill", "+multi", "+exec", "+slaveof", "+config|rewrite",
            "resetchannels", HELLO);

    /**
     * On sentinels, for the other sentinels: PING, PUBLISH of hellos, CLIENT SETNAME, and the
     * vote (SENTINEL IS-MASTER-DOWN-BY-ADDR).
     */
    public static final List<String> SENTINEL_PEER_RULES = List.of("-@all", "+ping", "+publish",
            "+client|setname", "+sentinel|is-master-down-by-addr", "resetchannels", HELLO);

    /**
     * On sentinels, for sentinel-aware clients: discovery (the master's address, its replicas,
     * the other sentinels) and the +switch-master notification Jedis and Lettuce subscribe to.
     */
    public static final List<String> CLIENT_RULES = List.of("-@all", "+ping", "+hello", "+client|setname",
            "+client|getname", "+client|id", "+command", "+role", "+sentinel|get-master-addr-by-name",
            "+sentinel|master", "+sentinel|myid", "+sentinel|replicas", "+sentinel|sentinels", "+subscribe",
            "+psubscribe", "+unsubscribe", "+punsubscribe", "allchannels");

    private SentinelAcl() {}

    /**
     * The arguments of {@code ACL SETUSER} (or of a {@code user} line) making {@code name} with
     * password {@code password} and these rules: "name", "reset", "on", ">password", rules...
     */
    public static List<String> setUser(String name, String password, List<String> rules) {
        List<String> args = new ArrayList<>(Arrays.asList(name, "reset", "on", ">" + password));
        args.addAll(rules);
        return List.copyOf(args);
    }
}
