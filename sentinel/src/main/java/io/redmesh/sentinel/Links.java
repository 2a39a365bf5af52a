package io.redmesh.sentinel;

import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.LinkOptions;
import io.redmesh.node.spi.link.LinkReply;
import io.redmesh.node.spi.link.OutboundLink;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The connections of instance links (Redis's hiredis part of sentinel.c): connecting (over TLS
 * when the master's setting or tls-replication says so, with the node's client certificate, so
 * the agent's rotation reaches the next connection), AUTH and CLIENT SETNAME on each new
 * connection, the Pub/Sub subscription to the hello channel, sending commands with a reply
 * callback, and closing. Replies and closes arrive on the node's event loops and are handled
 * under the node's lock; a reply from a connection that was closed meanwhile is dropped, as
 * hiredis drops the callbacks of a freed context.
 */
final class Links {
    private final Sentinel s;

    Links(Sentinel s) {
        this.s = s;
    }

    /** Whether links to this instance use TLS: its master's {@code sentinel master-tls}, else tls-replication. */
    boolean tls(Instance ri) {
        Instance m = ri.is(Instance.SENTINEL) ? null : ri.masterOf();
        if (m != null && m.tls != null) {
            return m.tls;
        }
        return s.node.config("tls-replication").equals("yes");
    }

    /** sentinelReconnectInstance(): opens what is missing, at most once per ping period. */
    void reconnect(Instance ri) {
        InstanceLink link = ri.link;
        if (!link.disconnected || ri.addr.port == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - link.lastReconnTime < s.state.timings.pingPeriod) {
            return;
        }
        link.lastReconnTime = now;
        if (link.cc == null && link.ccConnecting == null) {
            if (s.state.resolveHostnames) {
                // the instance may have come back under a new IP, or was not resolvable before
                try {
                    ri.addr = s.state.address(ri.addr.hostname, ri.addr.port, false);
                } catch (Address.AddressException e) {
                    // keep the old address
                }
            }
            Object token = new Object();
            link.ccConnecting = token;
            connect(ri).whenComplete((conn, err) -> s.locked(() -> commandsConnected(ri, link, token, conn, err)));
        }
        if (ri.is(Instance.MASTER | Instance.SLAVE) && link.pc == null && link.pcConnecting == null) {
            Object token = new Object();
            link.pcConnecting = token;
            connect(ri).whenComplete((conn, err) -> s.locked(() -> pubsubConnected(ri, link, token, conn, err)));
        }
    }

    private CompletableFuture<OutboundLink> connect(Instance ri) {
        // a peer that accepts TCP but never completes TLS (frozen) must not hold the attempt long
        long timeout = Math.max(1000, Math.min(ri.downAfterPeriod, 5000));
        // with resolve-hostnames, by name (resolved again by the connect): a TLS link checks the
        // host it connects to against the certificate, which may carry only the name
        String host = ri.addr.ip.isEmpty() || s.state.resolveHostnames ? ri.addr.hostname : ri.addr.ip;
        LinkOptions o = LinkOptions.plain(host, ri.addr.port)
                .withTls(tls(ri), null).withConnectTimeout(timeout);
        try {
            return s.node.links().connect(o);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void commandsConnected(Instance ri, InstanceLink link, Object token, OutboundLink conn, Throwable err) {
        if (link.ccConnecting != token) {
            if (conn != null) {
                conn.close(); // closed or released while connecting
            }
            return;
        }
        link.ccConnecting = null;
        if (err != null) {
            s.events.instance(Events.Level.DEBUG, "-cmd-link-reconnection", ri, "#" + reason(err));
            logRefusal(ri, err);
            return;
        }
        link.cc = conn;
        link.pendingCommands = 0;
        link.ccConnTime = System.currentTimeMillis();
        conn.closed().whenComplete((v, e) -> s.locked(() -> closeConnection(link, conn)));
        sendAuthIfNeeded(ri, conn);
        setClientName(ri, conn, "cmd");
        s.monitor.sendPing(ri); // a PING at once when reconnecting
        link.updateDisconnected(ri.is(Instance.SENTINEL));
    }

    private void pubsubConnected(Instance ri, InstanceLink link, Object token, OutboundLink conn, Throwable err) {
        if (link.pcConnecting != token) {
            if (conn != null) {
                conn.close();
            }
            return;
        }
        link.pcConnecting = null;
        if (err != null) {
            s.events.instance(Events.Level.DEBUG, "-pubsub-link-reconnection", ri, "#" + reason(err));
            return;
        }
        link.pc = conn;
        link.pcConnTime = System.currentTimeMillis();
        conn.closed().whenComplete((v, e) -> s.locked(() -> closeConnection(link, conn)));
        sendAuthIfNeeded(ri, conn);
        setClientName(ri, conn, "pubsub");
        conn.subscribe(reply -> s.locked(() -> {
            if (link.pc == conn) {
                s.monitor.helloReceived(ri, reply);
            }
        }), bytes(ri.command("SUBSCRIBE"), SentinelState.HELLO_CHANNEL));
        link.updateDisconnected(ri.is(Instance.SENTINEL));
    }

    /** A TLS or peer refusal says more than a refused TCP connect: it is worth the log, once per change. */
    private void logRefusal(Instance ri, Throwable err) {
        String why = reason(err);
        if ((why.contains("TLS") || why.contains("peer")) && !why.equals(ri.lastLinkError)) {
            NodeLog.warning("Sentinel link to " + ri.typeName() + " " + ri.addr + " refused: " + why);
        }
        ri.lastLinkError = why;
    }

    static String reason(Throwable err) {
        Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** instanceLinkCloseConnection(): closes one connection and marks the link disconnected. */
    void closeConnection(InstanceLink link, OutboundLink conn) {
        if (conn == null) {
            return;
        }
        if (link.cc == conn) {
            link.cc = null;
            link.pendingCommands = 0;
        }
        if (link.pc == conn) {
            link.pc = null;
        }
        link.disconnected = true;
        conn.close();
    }

    /** Closes both connections and any connect in flight. */
    void closeAll(InstanceLink link) {
        link.ccConnecting = null;
        link.pcConnecting = null;
        closeConnection(link, link.cc);
        closeConnection(link, link.pc);
    }

    /**
     * Sends a command on the commands connection; {@code onReply} runs under the lock with the
     * reply (an error reply is a reply). False when there is no connection.
     */
    boolean call(Instance ri, Consumer<LinkReply> onReply, String... argv) {
        InstanceLink link = ri.link;
        OutboundLink cc = link.cc;
        if (cc == null) {
            return false;
        }
        link.pendingCommands++;
        cc.call(bytes(argv)).whenComplete((r, err) -> s.locked(() -> {
            if (link.cc != cc) {
                return; // the connection was closed: hiredis frees the callback, nothing runs
            }
            link.pendingCommands--;
            if (err == null && onReply != null) {
                onReply.accept(r);
            }
        }));
        return true;
    }

    /** Sends on a given connection, discarding the reply (AUTH and CLIENT SETNAME of a new connection). */
    private void discard(InstanceLink link, OutboundLink conn, String... argv) {
        link.pendingCommands++;
        conn.call(bytes(argv)).whenComplete((r, err) -> s.locked(() -> {
            if (link.cc == conn || link.pc == conn) {
                link.pendingCommands--;
            }
        }));
    }

    /**
     * sentinelSendAuthIfNeeded(): a master's and its replicas' auth-user/auth-pass; for a
     * sentinel, sentinel-user/sentinel-pass, else requirepass (old configurations share one).
     */
    private void sendAuthIfNeeded(Instance ri, OutboundLink conn) {
        String pass;
        String user;
        if (ri.is(Instance.SENTINEL)) {
            if (s.state.sentinelAuthPass != null) {
                pass = s.state.sentinelAuthPass;
                user = s.state.sentinelAuthUser;
            } else {
                String requirepass = s.node.config("requirepass");
                pass = requirepass.isEmpty() ? null : requirepass;
                user = null;
            }
        } else {
            Instance m = ri.masterOf();
            pass = m.authPass;
            user = m.authUser;
        }
        if (pass != null && user == null) {
            discard(ri.link, conn, ri.command("AUTH"), pass);
        } else if (pass != null) {
            discard(ri.link, conn, ri.command("AUTH"), user, pass);
        }
    }

    /** sentinelSetClientName(): "sentinel-<first 8 of myid>-cmd|pubsub" in the instance's CLIENT LIST. */
    private void setClientName(Instance ri, OutboundLink conn, String type) {
        String id = s.state.myid.length() > 8 ? s.state.myid.substring(0, 8) : s.state.myid;
        discard(ri.link, conn, ri.command("CLIENT"), "SETNAME", "sentinel-" + id + "-" + type);
    }

    /**
     * releaseInstanceLink(): one owner fewer; the connections close with the last one. (Replies
     * still due for the released owner are dropped by the identity check in {@link #call}.)
     */
    void release(InstanceLink link) {
        link.refcount--;
        if (link.refcount == 0) {
            closeAll(link);
        }
    }

    /**
     * sentinelTryConnectionSharing(): a sentinel already known under another master (same run
     * id) lends its link. True when it did.
     */
    boolean tryConnectionSharing(Instance ri) {
        if (ri.runid == null || ri.link.refcount > 1) {
            return false;
        }
        for (Instance master : s.state.masters.values()) {
            if (master == ri.master) {
                continue;
            }
            Instance match = s.instances.sentinelByAddrAndRunId(master.sentinels, null, 0, ri.runid);
            if (match == null || match == ri) {
                continue;
            }
            release(ri.link);
            ri.link = match.link;
            match.link.refcount++;
            return true;
        }
        return false;
    }

    /** dropInstanceConnections(): a master's and its replicas' connections (new credentials). */
    void dropInstanceConnections(Instance master) {
        closeConnection(master.link, master.link.cc);
        closeConnection(master.link, master.link.pc);
        for (Instance r : master.slaves.values()) {
            closeConnection(r.link, r.link.cc);
            closeConnection(r.link, r.link.pc);
        }
    }

    /** sentinelDropConnections(): every connection to other sentinels; how many links were up. */
    int dropSentinelConnections() {
        int dropped = 0;
        for (Instance m : s.state.masters.values()) {
            for (Instance si : m.sentinels.values()) {
                if (!si.link.disconnected) {
                    closeConnection(si.link, si.link.pc);
                    closeConnection(si.link, si.link.cc);
                    dropped++;
                }
            }
        }
        return dropped;
    }

    static byte[][] bytes(String... argv) {
        byte[][] b = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            b[i] = argv[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return b;
    }
}
