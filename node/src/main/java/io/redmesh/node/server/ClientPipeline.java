package io.redmesh.node.server;

import io.netty.channel.Channel;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.resp.RespDecoder;
import io.redmesh.node.tls.TlsContextProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Admits a new connection and builds its pipeline: [SslHandler] -> {@link RespDecoder} ->
 * {@link ClientChannelHandler}. Admission follows Redis's acceptCommonHandler and
 * clientAcceptHandler: {@code maxclients} first, then {@code protected-mode}, each refused with
 * Redis's own error text.
 */
final class ClientPipeline {
    private final ServerContext context;
    private final ServerConfig config;
    private final TlsContextProvider tls;
    /** Limits read by every decoder and handshake (kept current by config listeners). */
    volatile long protoMaxBulkLen;
    volatile long queryBufferLimit;
    volatile long handshakeTimeoutMillis = 10_000;
    /** Failed TLS accepts, logged once per peer per interval (one table for every TLS listener). */
    final AcceptErrorLog acceptErrors = new AcceptErrorLog(AcceptErrorLog.DEFAULT_INTERVAL_MILLIS);

    ClientPipeline(ServerContext context, ServerConfig config, TlsContextProvider tls) {
        this.context = context;
        this.config = config;
        this.tls = tls;
    }

    void init(Channel ch, boolean tlsListener) {
        // maxclients: Redis accepts, writes the error and closes. On a TLS port nothing can be
        // written before a handshake, so there the connection just drops, as in Redis.
        if (context.sessions.size() >= config.getLong("maxclients")) {
            context.stats.rejectedConnections++;
            if (tlsListener) {
                ch.close();
            } else {
                refuse(ch, MAXCLIENTS_ERROR);
            }
            return;
        }
        boolean denied = protectedModeRefuses(config.getBool("protected-mode"), !context.defaultUserNoPass(),
                ch.remoteAddress());
        if (denied) {
            context.stats.rejectedConnections++;
            if (!tlsListener) {
                refuse(ch, PROTECTED_MODE_ERROR);
                return;
            }
        }
        if (tlsListener) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), handshakeTimeoutMillis));
            // Redis checks protected mode once the handshake is done and says why over TLS.
            ch.pipeline().addLast("tls-events", new TlsHandshakeListener(context, denied ? PROTECTED_MODE_ERROR : null, tls,
                    acceptErrors));
            if (denied) {
                return;
            }
        }
        ClientChannelHandler handler = new ClientChannelHandler(context);
        ch.pipeline().addLast("resp", new RespDecoder(new RespDecoder.Limits() {
            @Override
            public long protoMaxBulkLen() {
                return protoMaxBulkLen;
            }

            @Override
            public long queryBufferLimit() {
                return queryBufferLimit;
            }

            @Override
            public boolean authenticated() {
                Session s = handler.session();
                return s == null || s.authenticated;
            }
        }));
        ch.pipeline().addLast("client", handler);
    }

    /** Redis 7.0.15's text, typo ("Setup a an") included: tools match on it. */
    static final String PROTECTED_MODE_ERROR = "-DENIED Redis is running in protected mode because protected "
            + "mode is enabled and no password is set for the default user. In this mode connections are only "
            + "accepted from the loopback interface. If you want to connect from external computers to Redis you "
            + "may adopt one of the following solutions: 1) Just disable protected mode sending the command "
            + "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host "
            + "the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. "
            + "Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected "
            + "mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then "
            + "restarting the server. 3) If you started the server manually just for testing, restart it with the "
            + "'--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You "
            + "only need to do one of the above things in order for the server to start accepting connections from "
            + "the outside.\r\n";

    static final String MAXCLIENTS_ERROR = "-ERR max number of clients reached\r\n";

    private static void refuse(Channel ch, String error) {
        ch.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(error, java.nio.charset.StandardCharsets.US_ASCII))
                .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    /**
     * Redis 7 (clientAcceptHandler): with protected-mode on and no password for the default
     * user, only loopback peers and unix sockets are served.
     */
    static boolean protectedModeRefuses(boolean protectedMode, boolean authRequired, SocketAddress remote) {
        if (!protectedMode || authRequired) {
            return false;
        }
        if (remote instanceof InetSocketAddress i && i.getAddress() != null) {
            return !i.getAddress().isLoopbackAddress();
        }
        return false;
    }

}
