package io.redmesh.node.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.redmesh.node.acl.Acl;
import io.redmesh.node.acl.AclFile;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.Session;
import io.redmesh.node.config.ConfigException;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.metrics.NodeMetrics;
import io.redmesh.node.persist.BackgroundSaver;
import io.redmesh.node.persist.Persistence;
import io.redmesh.node.resp.RespDecoder;
import io.redmesh.node.tls.TlsContextProvider;
import io.redmesh.node.spi.tls.TlsMaterialException;
import io.redmesh.node.tls.TlsSettings;
import io.redmesh.node.util.ServerLog;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node's network side: the listeners (port, tls-port, unixsocket), the event loops, the cron
 * that expires keys and closes idle clients, start-up in Redis's order and orderly shutdown.
 * One pipeline per connection: [SslHandler] -> {@link RespDecoder} -> {@link ClientChannelHandler}
 * -> dispatcher. The parts it serves are built and wired by the composition root
 * ({@code io.redmesh.node.Node}).
 */
public final class RedisServer {
    private final ServerConfig config;
    private final ServerContext context;
    /** The users loaded at start-up (aclfile or redis.conf "user" lines). */
    private final Acl acl;
    private final TlsContextProvider tls;
    /** RDB snapshots, the AOF and encryption at rest. */
    private final Persistence persistence;
    /** The Prometheus endpoint (metrics-port) and the registry upper modules add to. */
    private final NodeMetrics metrics;
    private EventLoopGroup group;
    /**
     * Listening sockets live on their own small event loop, not on the I/O loops: CONFIG SET
     * port/tls-port/bind runs on an I/O loop and must wait for the new bind's outcome, which it
     * could not do on a loop that has to perform the bind itself.
     */
    private EventLoopGroup acceptGroup;
    private final List<Channel> tcpListeners = new ArrayList<>();
    private final List<Channel> tlsListeners = new ArrayList<>();
    private Channel unixListener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    /** Pipeline-level limits read by every decoder. */
    private final ClientPipeline pipeline;
    /** The bind value the current tcp/tls listeners were opened with (CONFIG SET compares). */
    private String tcpBoundTo = "";
    private String tlsBoundTo = "";

    private final List<Runnable> beforeListen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> afterStart = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Runnable> beforeStop = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Outbound links on the I/O loops; set once the loops exist. */
    private volatile OutboundLinks links;

    /** The network side of a node whose parts the composition root built and wired. */
    public RedisServer(ServerContext context, TlsContextProvider tls, Persistence persistence, Acl acl,
                       NodeMetrics metrics) {
        this.config = context.config;
        this.context = context;
        this.tls = tls;
        this.persistence = persistence;
        this.acl = acl;
        this.metrics = metrics;
        this.pipeline = new ClientPipeline(context, config, tls);
        config.onChange("proto-max-bulk-len", v -> pipeline.protoMaxBulkLen = (Long) v);
        config.onChange("client-query-buffer-limit", v -> pipeline.queryBufferLimit = (Long) v);
        config.onChange("loglevel", v -> ServerLog.level((String) v));
        config.onChange("tls-handshake-timeout", v -> pipeline.handshakeTimeoutMillis = (Long) v);
        // One apply step for all TLS material, run once per CONFIG SET after every value is in
        // place, so "CONFIG SET tls-cert-file new.crt tls-key-file new.key" swaps both together.
        config.onApply(List.of("tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-ca-cert-file",
                "tls-ca-cert-dir", "tls-auth-clients", "tls-protocols", "tls-ciphers", "tls-ciphersuites",
                "tls-prefer-server-ciphers", "tls-session-caching", "tls-session-cache-size",
                "tls-session-cache-timeout", "tls-replication", "tls-cluster", "tls-provider",
                "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass"),
                this::reloadTlsIfStarted);
        config.onChange("port", v -> rebind(false));
        config.onChange("tls-port", v -> rebind(true));
        config.onChange("bind", v -> {
            try {
                rebind(false);
                rebind(true);
            } catch (ConfigException e) {
                throw new ConfigException("Failed to bind to specified addresses.");
            }
        });
    }

    /**
     * Runs {@code hook} during {@link #start()} once the dataset and local users are loaded and
     * before any listener accepts a connection. The hook bounds its own wait; a hook that
     * throws stops the start-up with its message (as a listener that cannot bind does).
     */
    public void beforeListen(Runnable hook) {
        beforeListen.add(hook);
    }

    /** Runs {@code hook} once the node serves (a replica connects to its master then). */
    public void afterStart(Runnable hook) {
        afterStart.add(hook);
    }

    /** Runs {@code hook} first when the node stops (modules close their links). */
    public void beforeStop(Runnable hook) {
        beforeStop.add(hook);
    }

    /** Opens outbound links on the node's event loops (fails until the node started). */
    public io.redmesh.node.spi.link.LinkFactory links() {
        return options -> {
            OutboundLinks l = links;
            if (l == null) {
                return java.util.concurrent.CompletableFuture.failedFuture(
                        new io.redmesh.node.spi.link.LinkRefusedException("the node is not running"));
            }
            return l.connect(options);
        };
    }

    /** Runs a task on one of the node's event loops after a delay (null when stopped). */
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        EventLoopGroup g = group;
        return g == null ? null : g.next().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Revokes certificate serials: new handshakes presenting one fail, and connections that
     * already presented one are closed (as ACL DELUSER closes a deleted user's connections).
     * Returns how many connections were closed.
     */
    public int revokeCertificates(java.util.Set<java.math.BigInteger> serials) {
        tls.revoke(serials);
        int closed = 0;
        context.lock.lock();
        try {
            for (io.redmesh.node.command.Session s : context.sessions()) {
                if (tls.isRevoked(s.transport().peerCertificates())) {
                    s.kill();
                    closed++;
                }
            }
        } finally {
            context.lock.unlock();
        }
        return closed;
    }

    public ServerContext context() {
        return context;
    }

    public TlsContextProvider tls() {
        return tls;
    }

    /** Bound TCP port (useful with "port 0"... which disables TCP in Redis; tests pass real ports). */
    public int port() {
        return context.tcpPort();
    }

    public int tlsPort() {
        return context.tlsPort();
    }

    // ------------------------------------------------------------------ start

    /** Binds the listeners and starts serving. Throws StartupException with Redis's log text. */
    public void start() throws StartupException {
        config.applyAll();
        try {
            AclFile.loadAtStartup(acl, config.userLines(), config.getString("aclfile"));
        } catch (AclFile.StartupError e) {
            throw new StartupException(e.getMessage());
        }
        acl.changes.baseline();
        try {
            ServerLog.logfile(config.getString("logfile"));
        } catch (java.io.IOException e) {
            throw new StartupException("Can't open the log file: " + e.getMessage());
        }
        if (context.sentinelMode()) {
            ServerLog.role('X'); // redis-sentinel's log letter
        }
        long pid = ServerLog.pid();
        ServerLog.warning("oO0OoO0OoO0Oo RedMesh is starting oO0OoO0OoO0Oo");
        ServerLog.warning("RedMesh version=" + ServerContext.REDMESH_VERSION + " (Redis "
                + ServerContext.REDIS_VERSION + " compatible), bits=64, pid=" + pid + ", just started");
        if (config.configFile() == null) {
            ServerLog.warning("Warning: no config file specified, using the default config. "
                    + "In order to specify a config file use redmesh server /path/to/redis.conf");
        } else {
            ServerLog.warning("Configuration loaded");
        }
        try {
            persistence.loadAtStart(); // the dataset is in memory before any listener accepts
        } catch (Persistence.StartupFailure e) {
            throw new StartupException(e.getMessage());
        }
        try {
            for (Runnable hook : beforeListen) {
                hook.run(); // e.g. the agent syncing users from the mesh: no client sees stale ACLs
            }
        } catch (RuntimeException e) {
            persistence.stop();
            throw new StartupException(e.getMessage());
        }
        int threads = config.getInt("io-threads");
        IoHandlerFactory factory = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("redmesh-io", true), factory);
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("redmesh-accept", true), factory);
        boolean wantTls = config.getLong("tls-port") > 0;
        // Redis loads TLS material for any TLS use: a TLS port, or outgoing TLS links
        if (wantTls || config.getBool("tls-replication") || config.getBool("tls-cluster")) {
            try {
                tls.reload(TlsSettings.from(config));
            } catch (TlsMaterialException e) {
                shutdownGroup();
                persistence.stop();
                ServerLog.warning(e.getMessage());
                throw new StartupException("Failed to configure TLS. Check logs for more info.");
            }
        }
        try {
            bindAll(false);
            if (wantTls) {
                bindAll(true);
            }
            bindUnix();
            try {
                metrics.start();
            } catch (java.io.IOException e) {
                throw new StartupException(e.getMessage());
            }
        } catch (StartupException e) {
            closeListeners();
            shutdownGroup();
            persistence.stop();
            throw e;
        }
        ServerLog.notice("Running mode=" + (context.sentinelMode() ? "sentinel" : "standalone") + ", port=" + context.tcpPort() + (wantTls ? ", tls-port=" + context.tlsPort() : "")
                + ", io-threads=" + threads + (wantTls ? ", tls-provider=" + tls.provider() : "") + ".");
        ServerLog.notice("RedMesh " + ServerContext.REDMESH_VERSION + " port: " + context.tcpPort() + " PID: " + pid);
        writePidFile();
        ServerLog.notice("Server initialized");
        ServerCron.start(group, context, config, persistence);
        context.dispatcher().watchdog().start(config);
        links = new OutboundLinks(group, Epoll.isAvailable() ? io.netty.channel.epoll.EpollSocketChannel.class
                : io.netty.channel.socket.nio.NioSocketChannel.class, tls);
        ServerLog.notice("Ready to accept connections");
        for (Runnable hook : afterStart) {
            hook.run();
        }
    }

    private void bindAll(boolean tlsListener) throws StartupException {
        int port = (int) config.getLong(tlsListener ? "tls-port" : "port");
        List<Channel> target = tlsListener ? tlsListeners : tcpListeners;
        if (port == 0) {
            if (tlsListener) {
                context.boundPort(true, 0);
                tlsBoundTo = config.getString("bind");
            } else {
                context.boundPort(false, 0);
                tcpBoundTo = config.getString("bind");
            }
            return;
        }
        int bound = 0;
        for (ListenAddress a : ListenAddress.parse(config.getString("bind"))) {
            try {
                Channel ch = bootstrap(tlsListener).bind(new InetSocketAddress(a.host(), port)).sync().channel();
                target.add(ch);
                bound++;
            } catch (Exception e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage();
                // netty says "bind(..) failed with error(-98): Address already in use"; Redis "bind: <strerror>"
                reason = reason.replaceFirst("^bind\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ", "");
                if (a.optional() && (reason.contains("not available") || reason.contains("not supported")
                        || reason.contains("Cannot assign") || reason.contains("Address family"))) {
                    ServerLog.verbose("Skipping optional bind address " + a.host() + ": " + reason);
                    continue;
                }
                ServerLog.warning("Warning: Could not create server " + (tlsListener ? "TLS" : "TCP")
                        + " listening socket " + a.display(port) + ": bind: " + reason);
                throw new StartupException("Failed listening on port " + port + " (" + (tlsListener ? "tls" : "tcp")
                        + "), aborting.");
            }
        }
        if (bound == 0) {
            throw new StartupException("Failed listening on port " + port + " (" + (tlsListener ? "tls" : "tcp")
                    + "), aborting.");
        }
        int actual = ((InetSocketAddress) target.get(0).localAddress()).getPort();
        if (tlsListener) {
            context.boundPort(true, actual);
            tlsBoundTo = config.getString("bind");
        } else {
            context.boundPort(false, actual);
            tcpBoundTo = config.getString("bind");
        }
    }

    private void bindUnix() throws StartupException {
        String path = config.getString("unixsocket");
        if (path.isEmpty()) {
            return;
        }
        if (!Epoll.isAvailable()) {
            throw new StartupException("Unix sockets need the epoll transport, which is unavailable here");
        }
        try {
            Path target = Path.of(path);
            Files.deleteIfExists(target);
            ServerBootstrap b = baseBootstrap(EpollServerDomainSocketChannel.class, false);
            long perm = config.getLong("unixsocketperm");
            if (perm == 0) {
                unixListener = b.bind(new DomainSocketAddress(path)).sync().channel();
            } else {
                // CVE-2023-45145: the socket must never be reachable under the umask's mode. It is
                // bound in a directory only we can enter, given its mode there, then renamed into
                // place: it appears at its path with its final permissions.
                Path parent = target.toAbsolutePath().getParent();
                Path hidden = Files.createTempDirectory(parent, ".redmesh-sock-",
                        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                Path staged = hidden.resolve("s");
                try {
                    unixListener = b.bind(new DomainSocketAddress(staged.toString())).sync().channel();
                    Files.setPosixFilePermissions(staged, io.redmesh.node.util.FileModes.of(perm));
                    Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(staged);
                    Files.deleteIfExists(hidden);
                }
            }
            ServerLog.notice("The server is now ready to accept connections at " + path);
        } catch (Exception e) {
            throw new StartupException("Failed opening Unix socket: " + e.getMessage());
        }
    }

    private ServerBootstrap bootstrap(boolean tlsListener) {
        Class<? extends ServerChannel> cls = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        return baseBootstrap(cls, tlsListener);
    }

    private ServerBootstrap baseBootstrap(Class<? extends ServerChannel> cls, boolean tlsListener) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptGroup, group)
                .channel(cls)
                .option(ChannelOption.SO_BACKLOG, (int) config.getLong("tcp-backlog"))
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        pipeline.init(ch, tlsListener);
                    }
                });
        if (!cls.equals(EpollServerDomainSocketChannel.class)) {
            b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
            long keepalive = config.getLong("tcp-keepalive");
            if (keepalive > 0) {
                b.childOption(ChannelOption.SO_KEEPALIVE, true);
                if (Epoll.isAvailable()) {
                    // As Redis's anetKeepAlive: first probe after `tcp-keepalive` seconds idle,
                    // then every third of that, and give up after three unanswered probes.
                    int idle = (int) Math.min(Integer.MAX_VALUE, keepalive);
                    b.childOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPIDLE, idle)
                     .childOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPINTVL, Math.max(1, idle / 3))
                     .childOption(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPCNT, 3);
                }
            }
        }
        return b;
    }

    // ------------------------------------------------------------------ runtime changes

    private void reloadTlsIfStarted() {
        // Redis's applyTlsCfg(): TLS material matters once any TLS use is on.
        if (group == null || (config.getLong("tls-port") == 0 && !config.getBool("tls-replication")
                && !config.getBool("tls-cluster"))) {
            return;
        }
        try {
            tls.reload(TlsSettings.from(config));
            ServerLog.notice("TLS configuration reloaded (generation " + tls.generation() + ")");
        } catch (TlsMaterialException e) {
            // As Redis: the reason goes to the log, the reply says to look there.
            ServerLog.warning(e.getMessage());
            throw new ConfigException("Unable to update TLS configuration. Check server logs.");
        }
    }

    /**
     * CONFIG SET port/tls-port/bind, as Redis's changeListenPort/changeBindAddr: a new port is
     * bound before the old listeners close (a failure leaves them serving); new bind addresses
     * may overlap the old ones, so those close first and are restored if the new ones fail.
     * An unchanged value changes nothing.
     */
    private void rebind(boolean tlsListener) {
        if (group == null) {
            return;
        }
        long port = config.getLong(tlsListener ? "tls-port" : "port");
        String bind = config.getString("bind");
        int bound = tlsListener ? context.tlsPort() : context.tcpPort();
        String boundBind = tlsListener ? tlsBoundTo : tcpBoundTo;
        if (port == bound && bind.equals(boundBind)) {
            return;
        }
        if (tlsListener && port > 0 && tls.current() == null) {
            try {
                tls.reload(TlsSettings.from(config));
            } catch (TlsMaterialException e) {
                ServerLog.warning(e.getMessage());
                throw new ConfigException("Unable to update TLS configuration. Check server logs.");
            }
        }
        List<Channel> target = tlsListener ? tlsListeners : tcpListeners;
        List<Channel> old = new ArrayList<>(target);
        boolean closeFirst = port == bound;
        if (closeFirst) {
            for (Channel c : old) {
                c.close().awaitUninterruptibly();
            }
        }
        target.clear();
        try {
            bindAll(tlsListener);
        } catch (StartupException e) {
            for (Channel c : target) {
                c.close().awaitUninterruptibly();
            }
            target.clear();
            if (closeFirst) {
                restore(tlsListener, bound, boundBind);
            } else {
                target.addAll(old);
                if (tlsListener) {
                    context.boundPort(true, bound);
                } else {
                    context.boundPort(false, bound);
                }
            }
            throw new ConfigException("Unable to listen on this port. Check server logs.");
        }
        if (!closeFirst) {
            for (Channel c : old) {
                c.close();
            }
        }
    }

    /** Re-opens the listeners a failed bind change closed. */
    private void restore(boolean tlsListener, int port, String bind) {
        List<Channel> target = tlsListener ? tlsListeners : tcpListeners;
        for (ListenAddress a : ListenAddress.parse(bind)) {
            try {
                target.add(bootstrap(tlsListener).bind(new InetSocketAddress(a.host(), port)).sync().channel());
            } catch (Exception e) {
                ServerLog.warning("Could not restore listener " + a.display(port) + ": " + e.getMessage());
            }
        }
        if (tlsListener) {
            context.boundPort(true, port);
            tlsBoundTo = bind;
        } else {
            context.boundPort(false, port);
            tcpBoundTo = bind;
        }
    }

    // ------------------------------------------------------------------ stop

    private void writePidFile() {
        String pidfile = config.getString("pidfile");
        if (!pidfile.isEmpty()) {
            try {
                Files.writeString(Path.of(pidfile), ServerLog.pid() + "\n");
            } catch (java.io.IOException e) {
                ServerLog.warning("Failed to write PID file: " + e.getMessage());
            }
        }
    }

    /**
     * SIGTERM/SIGINT: Redis's prepareForShutdown() with shutdown-on-sigterm/sigint's flags (by
     * default: save when save points exist). If that save fails the server keeps running.
     */
    public void shutdownOnSignal(String sig) {
        // The final save needs the server lock: a command that holds it (a pattern over a huge
        // key, KEYS over millions) is interrupted until the save has it, so a signal stops the
        // node within seconds whatever runs.
        java.util.concurrent.atomic.AtomicBoolean locked = new java.util.concurrent.atomic.AtomicBoolean();
        Thread interrupter = new Thread(() -> {
            while (!locked.get()) {
                context.dispatcher().watchdog().interruptRunning(0);
                context.killRunningScript();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "redmesh-signal-interrupter");
        interrupter.setDaemon(true);
        interrupter.start();
        boolean prepared;
        try {
            java.util.Set<String> f = persistence.signalFlags(sig);
            context.lock.lock();
            try {
                // lagging replicas: writes pause and the cron shuts down once they caught up
                if (context.pendingShutdown().waitIfNeeded(new io.redmesh.node.command.PendingShutdown.Plan(
                        f.contains("save"), f.contains("nosave"), f.contains("force"), this::requestShutdown),
                        f.contains("now"), null)) {
                    return;
                }
            } finally {
                context.lock.unlock();
            }
            prepared = persistence.prepareForSignal(sig);
        } finally {
            locked.set(true);
        }
        if (!prepared) {
            ServerLog.warning("SIG" + sig + " received but errors trying to shut down the server, "
                    + "check the logs for more information");
            return;
        }
        requestShutdown();
    }

    /** RDB, AOF and encryption at rest of this server. */
    public Persistence persistence() {
        return persistence;
    }

    /** The saver, for SAVE and for tests. */
    public BackgroundSaver saver() {
        return persistence.saver();
    }

    /** SHUTDOWN and signals end up here; the process exits once listeners are closed. */
    public void requestShutdown() {
        if (stopping) {
            return;
        }
        stopping = true;
        Thread t = new Thread(this::stop, "redmesh-shutdown");
        t.start();
    }

    /** Closes listeners and connections and releases threads. Idempotent. */
    public synchronized void stop() {
        stopping = true;
        context.killRunningScript(); // it holds the lock that stopping needs
        if (group == null) {
            stopped.countDown();
            return;
        }
        ServerLog.warning("User requested shutdown...");
        for (Runnable hook : beforeStop) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                ServerLog.warning("Error stopping a module: " + e);
            }
        }
        links = null;
        context.markShuttingDown();
        context.dispatcher().watchdog().stop();
        closeListeners();
        metrics.stop();
        for (Session s : context.sessions()) {
            s.closeAsync();
        }
        String pidfile = config.getString("pidfile");
        if (!pidfile.isEmpty()) {
            try {
                Files.deleteIfExists(Path.of(pidfile));
            } catch (java.io.IOException e) {
                // nothing to do
            }
        }
        String unix = config.getString("unixsocket");
        if (!unix.isEmpty()) {
            try {
                Files.deleteIfExists(Path.of(unix));
            } catch (java.io.IOException e) {
                // nothing to do
            }
        }
        shutdownGroup();
        persistence.stop();
        ServerLog.warning((context.sentinelMode() ? "Sentinel" : "RedMesh") + " is now ready to exit, bye bye...");
        stopped.countDown();
    }

    private void closeListeners() {
        for (Channel c : tcpListeners) {
            c.close().awaitUninterruptibly();
        }
        for (Channel c : tlsListeners) {
            c.close().awaitUninterruptibly();
        }
        if (unixListener != null) {
            unixListener.close().awaitUninterruptibly();
        }
        tcpListeners.clear();
        tlsListeners.clear();
    }

    private void shutdownGroup() {
        if (acceptGroup != null) {
            awaitTermination(acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS));
            acceptGroup = null;
        }
        if (group != null) {
            awaitTermination(group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
            group = null;
        }
    }

    /**
     * Waits a bounded time for an event loop group to end: a stop must never hang the process
     * (a termination future was once seen never completing after its threads had exited).
     */
    private static void awaitTermination(io.netty.util.concurrent.Future<?> f) {
        if (!f.awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            ServerLog.warning("Event loops did not stop within 5 seconds; exiting anyway.");
        }
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /** Start-up failure with the text redis-server would log. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        public StartupException(String message) {
            super(message);
        }
    }
}
