package io.redmesh.replication.replica;

import io.redmesh.node.spi.NodeLog;
import io.redmesh.node.spi.link.LinkReply;
import io.redmesh.node.spi.link.OutboundLink;
import io.redmesh.replication.ReplicationSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a replica sends its master after PING, pipelined as 7.0's syncWithMaster does:
 * {@code AUTH [masteruser] masterauth}, {@code REPLCONF listening-port} (or, on a dual-channel
 * RDB connection, {@code REPLCONF rdb-channel 1}), {@code REPLCONF ip-address} when announced,
 * {@code REPLCONF capa eof capa psync2 [capa rdb-channel]}. Only a refused AUTH stops the
 * handshake; the master's errors to the REPLCONFs are logged as Redis logs them.
 */
final class Handshake {
    private Handshake() {}

    /**
     * Sends it all; the future gives null when the handshake may go on, else why it may not (the
     * reason, never the password).
     */
    static CompletableFuture<String> send(OutboundLink l, ReplicationSettings settings, long listeningPort,
                                          boolean rdbChannel) {
        CompletableFuture<LinkReply> auth = null;
        String pass = settings.masterAuth;
        if (!pass.isEmpty()) {
            String user = settings.masterUser;
            auth = user.isEmpty() ? l.call(b("AUTH"), b(pass)) : l.call(b("AUTH"), b(user), b(pass));
        }
        CompletableFuture<LinkReply> portReply = rdbChannel
                ? l.call(b("REPLCONF"), b("rdb-channel"), b("1"))
                : l.call(b("REPLCONF"), b("listening-port"), b(Long.toString(listeningPort)));
        CompletableFuture<LinkReply> ipReply = settings.announceIp.isEmpty() ? null
                : l.call(b("REPLCONF"), b("ip-address"), b(settings.announceIp));
        CompletableFuture<LinkReply> capa = settings.rdbChannel
                ? l.call(b("REPLCONF"), b("capa"), b("eof"), b("capa"), b("psync2"), b("capa"), b("rdb-channel"))
                : l.call(b("REPLCONF"), b("capa"), b("eof"), b("capa"), b("psync2"));
        List<CompletableFuture<LinkReply>> all = new ArrayList<>(List.of(portReply, capa));
        if (auth != null) {
            all.add(auth);
        }
        if (ipReply != null) {
            all.add(ipReply);
        }
        CompletableFuture<LinkReply> authReply = auth;
        CompletableFuture<String> result = new CompletableFuture<>();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).whenComplete((v, e) -> {
            if (e != null) {
                result.complete("Master closed the link during the handshake: " + MasterLink.reason(e));
                return;
            }
            if (authReply != null && authReply.join().isError()) {
                result.complete("Unable to AUTH to MASTER: -" + authReply.join().line());
                return;
            }
            if (portReply.join().isError()) {
                NodeLog.notice("(Non critical) Master does not understand REPLCONF listening-port: -"
                        + portReply.join().line());
            }
            if (ipReply != null && ipReply.join().isError()) {
                NodeLog.notice("(Non critical) Master does not understand REPLCONF ip-address: -" + ipReply.join().line());
            }
            if (capa.join().isError()) {
                NodeLog.notice("(Non critical) Master does not understand REPLCONF capa: -" + capa.join().line());
            }
            result.complete(null);
        });
        return result;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
