package io.redmesh.replication;

import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.ReplyWriter;
import io.redmesh.replication.master.MasterSide;
import io.redmesh.replication.master.ReplicaLink;
import io.redmesh.replication.replica.MasterLink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The replication commands, with Redis 7.0's syntax, replies and error texts:
 *
 * <pre>
 * REPLICAOF host port | NO ONE      (SLAVEOF the same)
 * REPLCONF option value [option value ...]
 * PSYNC replid offset               SYNC
 * ROLE
 * WAIT numreplicas timeout
 * FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]   (see {@link Failover})
 * </pre>
 */
final class ReplicationCommands implements ModuleCommands {
    private final Replication repl;

    ReplicationCommands(Replication repl) {
        this.repl = repl;
    }

    @Override
    public void register(Binder b) {
        b.bind("replicaof", this::replicaof)
                .bind("slaveof", this::replicaof)
                .bind("replconf", this::replconf)
                .bind("psync", c -> repl.master().sync(c, true))
                .bind("sync", c -> repl.master().sync(c, false))
                .bind("role", this::role)
                .bind("wait", this::waitCommand)
                .bind("failover", c -> repl.failover().command(c));
    }

    private static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** "user request from 'id=.. addr=..'": who asked, for the log. */
    private static String requester(ModuleCall c) {
        return "user request from 'id=" + c.clientId() + " addr=" + c.clientAddress() + " user=" + c.user() + "'";
    }

    /** REPLICAOF host port | NO ONE. */
    void replicaof(ModuleCall c) {
        byte[][] a = c.argv();
        String host = str(a[1]);
        String portArg = str(a[2]);
        if (repl.node().config("cluster-enabled").equals("yes")) {
            c.reply().error("ERR REPLICAOF not allowed in cluster mode.");
            return;
        }
        if (repl.failover().active()) {
            c.reply().error("ERR REPLICAOF not allowed while failing over.");
            return;
        }
        MasterLink link = repl.link();
        if (host.equalsIgnoreCase("no") && portArg.equalsIgnoreCase("one")) {
            link.promote(requester(c));
            c.reply().ok();
            return;
        }
        if (repl.master().replicas().stream().anyMatch(r -> r.clientId() == c.clientId())) {
            c.reply().error("ERR Command is not valid when client is a replica.");
            return;
        }
        long port;
        try {
            port = Long.parseLong(portArg);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            c.reply().error("ERR Invalid master port");
            return;
        }
        if (!link.follow(host, (int) port, requester(c))) {
            io.redmesh.node.spi.NodeLog.notice("REPLICAOF would result into synchronization with the master we are "
                    + "already connected with. No operation performed.");
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        c.reply().ok();
    }

    /** REPLCONF: the master half's options, and GETACK from our own master. */
    void replconf(ModuleCall c) {
        byte[][] a = c.argv();
        if (a.length == 3 && str(a[1]).equalsIgnoreCase("getack")) {
            if (c.fromMaster() || repl.link().isReplica()) {
                repl.link().sendAck(); // the master's GETACK: an ACK now, no reply
            }
            return;
        }
        repl.master().replconf(c);
    }

    /** ROLE. */
    void role(ModuleCall c) {
        ReplyWriter r = c.reply();
        MasterLink link = repl.link();
        if (!link.isReplica()) {
            MasterSide m = repl.master();
            List<ReplicaLink> online = new ArrayList<>();
            for (ReplicaLink l : m.replicas()) {
                if (l.state() == ReplicaLink.State.ONLINE) {
                    online.add(l);
                }
            }
            r.array(3);
            r.bulk("master");
            r.integer(m.offset());
            r.array(online.size());
            for (ReplicaLink l : online) {
                r.array(3);
                r.bulk(l.ip());
                r.bulk(Long.toString(l.port()));
                r.bulk(Long.toString(l.ackOffset()));
            }
            return;
        }
        r.array(5);
        r.bulk("slave");
        r.bulk(link.host());
        r.integer(link.port());
        r.bulk(switch (link.state()) {
            case CONNECT -> "connect";
            case CONNECTING -> "connecting";
            case HANDSHAKE -> "handshake";
            case TRANSFER -> "sync";
            case CONNECTED -> "connected";
            default -> "none";
        });
        r.integer(link.state() == MasterLink.State.CONNECTED ? link.reploff() : -1);
    }

    /** WAIT numreplicas timeout. */
    void waitCommand(ModuleCall c) {
        if (repl.link().isReplica()) {
            c.reply().error("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
            return;
        }
        long n;
        try {
            n = Long.parseLong(str(c.argv()[1]));
        } catch (NumberFormatException e) {
            c.reply().error("ERR value is not an integer or out of range");
            return;
        }
        long timeout;
        try {
            timeout = Long.parseLong(str(c.argv()[2]));
        } catch (NumberFormatException e) {
            c.reply().error("ERR timeout is not an integer or out of range");
            return;
        }
        if (timeout < 0) {
            c.reply().error("ERR timeout is negative");
            return;
        }
        repl.master().waitFor(c, (int) Math.min(Integer.MAX_VALUE, Math.max(Integer.MIN_VALUE, n)), timeout);
    }

    static String lower(byte[] b) {
        return str(b).toLowerCase(Locale.ROOT);
    }
}
