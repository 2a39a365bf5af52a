package io.redmesh.node;

import io.redmesh.node.acl.Acl;
import io.redmesh.node.acl.AclFile;
import io.redmesh.node.acl.AclPrivilege;
import io.redmesh.node.command.CommandFamily;
import io.redmesh.node.command.CommandTable;
import io.redmesh.node.command.Dispatcher;
import io.redmesh.node.command.ModuleCommandFamily;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.command.family.AclCommands;
import io.redmesh.node.command.family.Families;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.config.ServerConfig;
import io.redmesh.node.metrics.NodeMetrics;
import io.redmesh.node.persist.BackgroundSaver;
import io.redmesh.node.persist.Persistence;
import io.redmesh.node.persist.seal.Sealing;
import io.redmesh.node.server.RedisServer;
import io.redmesh.node.spi.AclRules;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.NodeControl;
import io.redmesh.node.spi.SentinelMode;
import io.redmesh.node.tls.ClusterBusProtection;
import io.redmesh.node.tls.TlsContextProvider;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The composition root: the one place a node is built and wired, in this order: configuration
 * (with the checks each package owns for its directives), keyspace and shared state, command
 * table and dispatcher, ACL, persistence, TLS, metrics, listeners. Nothing below wires itself by
 * side effect; each part receives what it uses here, once.
 *
 * <p>Upper modules (agent; later replication, cluster-bus, sentinel) see a node only through
 * {@link #control()} ({@code node/spi}); the launcher uses this class's lifecycle. The accessors
 * to internal parts ({@link #context()}, {@link #persistence()} ...) are for node's own tests.
 *
 * <pre>
 * Node node = Node.fromArgs(List.of("/etc/redis.conf", "--port", "7000"));
 * InProcessAgent.attach(node.control(), agentConfig, timeout);   // optional
 * node.start();
 * node.awaitStop();
 * </pre>
 */
public final class Node {
    /** The Redis version we answer as; Redis 7.0 as Debian ships it is our reference. */
    public static final String REDIS_VERSION = ServerContext.REDIS_VERSION;
    public static final String VERSION = ServerContext.REDMESH_VERSION;

    /** The configuration could not be loaded; the message is redis-server's report. */
    public static final class ConfigError extends Exception {
        private static final long serialVersionUID = 1L;

        ConfigError(String message) {
            super(message);
        }
    }

    /** Start-up failed; the message is the text redis-server would log. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;

        StartupException(String message) {
            super(message);
        }
    }

    private final ServerContext context;
    private final Persistence persistence;
    private final TlsContextProvider tls;
    private final Acl acl;
    private final NodeMetrics metrics;
    private final RedisServer server;
    private final LocalNodeControl control;
    /** A rename-command naming a command we do not have: refuses start-up, as Redis does. */
    private final String badRename;

    /**
     * A configuration with every directive declared and the checks of the packages that own
     * some of them attached (load the file and arguments into it, then {@link #build}).
     */
    public static ServerConfig newConfig() {
        ServerConfig config = new ServerConfig();
        NodeMetrics.registerDirectives(config);
        Sealing.registerDirectives(config);
        ClusterBusProtection.register(config);
        return config;
    }

    /**
     * A node from redis-server's arguments ({@code [redis.conf] [--directive value ...]}), built
     * and not started.
     *
     * @throws ConfigError with redis-server's report when the configuration is invalid
     */
    public static Node fromArgs(List<String> args) throws ConfigError {
        return fromArgs(args, List.of());
    }

    /**
     * A node from redis-server's arguments whose command table also binds the commands of upper
     * modules (replication's REPLICAOF, PSYNC, WAIT ...), built and not started.
     */
    public static Node fromArgs(List<String> args, List<ModuleCommands> modules) throws ConfigError {
        return fromArgs(args, modules, null);
    }

    /**
     * A node in sentinel mode (redis-server --sentinel) when {@code sentinel} is not null: the
     * sentinel module receives the file's {@code sentinel} lines and binds its commands among
     * {@code modules}; see {@link SentinelMode}. Built and not started.
     */
    public static Node fromArgs(List<String> args, List<ModuleCommands> modules, SentinelMode sentinel)
            throws ConfigError {
        ServerConfig config = newConfig();
        if (sentinel != null) {
            config.sentinelMode(sentinel);
        }
        try {
            new ConfigLoader(config, REDIS_VERSION).checkUserLines(AclFile::checkUserDeclaration).loadArgs(args);
        } catch (ConfigLoader.FatalConfigError e) {
            throw new ConfigError(e.getMessage());
        }
        Node node = build(config, modules);
        if (config.configFile() != null) {
            node.context.configFilePath(config.configFile().toString());
        }
        return node;
    }

    /** A node from a loaded configuration (made by {@link #newConfig()}), built and not started. */
    public static Node build(ServerConfig config) {
        return new Node(config, List.of());
    }

    /** A node whose command table binds the modules' commands too, built and not started. */
    public static Node build(ServerConfig config, List<ModuleCommands> modules) {
        return new Node(config, modules);
    }

    /**
     * ACL rules judged against every command any RedMesh role declares: Redis 7.0's table and the
     * sentinel's SENTINEL. The mesh policy judges each record with it on every member (a node, a
     * sentinel, a sidecar): judged against each one's own table, a sentinel peer user's
     * {@code +sentinel|...} rules were taken by sentinels and refused by data nodes, and the
     * mesh never converged. Whether a node can apply the rules is decided when it applies them.
     */
    public static AclRules declaredAclRules() {
        return new AclPrivilege(CommandTable.load(List.of(), true));
    }

    private Node(ServerConfig config, List<ModuleCommands> modules) {
        // keyspace and shared state
        context = new ServerContext(config);
        if (config.getBool("cluster-enabled")) {
            context.keyspace.indexSlots(); // CLUSTER COUNTKEYSINSLOT/GETKEYSINSLOT, MIGRATE
        }
        // command table and dispatcher
        persistence = new Persistence(context, config);
        AclCommands aclCommands = new AclCommands();
        List<CommandFamily> families = new ArrayList<>(Families.all(this::requestShutdown, aclCommands));
        families.addAll(persistence.families());
        for (ModuleCommands m : modules) {
            families.add(new ModuleCommandFamily(m));
        }
        CommandTable table = CommandTable.load(families, config.sentinelMode() != null);
        String unknownRename = null;
        for (String[] r : config.commandRenames()) {
            if (!table.rename(r[0], r[1])) {
                unknownRename = r[0];
            }
        }
        badRename = unknownRename;
        context.table(table);
        Dispatcher dispatcher = new Dispatcher(context);
        context.dispatcher(dispatcher);
        // ACL: the engine, its commands, its gates where processCommand() checks ACLs and EXEC re-checks
        acl = new Acl(context, Families::describeClient);
        acl.followConfig(config);
        aclCommands.engine(acl);
        context.accessControl(acl);
        dispatcher.addGate(acl::check);
        dispatcher.addExecGate(acl::checkAtExec);
        // persistence: what commands ask of it, and -MISCONF after the memory check, as in processCommand()
        context.persistence(persistence);
        dispatcher.addGateAfterMemoryCheck(persistence::diskErrorGate);
        // TLS, metrics, listeners
        tls = new TlsContextProvider();
        metrics = new NodeMetrics(context, acl);
        metrics.certificate(NodeMetrics.LINK_CLIENT, () -> context.tlsPort() > 0 ? tls.certificate() : null);
        server = new RedisServer(context, tls, persistence, acl, metrics);
        control = new LocalNodeControl(this);
    }

    /** What upper modules may do to this node. */
    public NodeControl control() {
        return control;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Loads the dataset and users, binds the listeners and starts serving. */
    public void start() throws StartupException {
        if (badRename != null) {
            throw new StartupException("No such command in rename-command: " + badRename);
        }
        try {
            server.start();
        } catch (RedisServer.StartupException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /** The executable INFO server reports (the launcher's command). */
    public void executable(String path) {
        context.executable(path);
    }

    /**
     * SIGTERM/SIGINT: Redis's prepareForShutdown() with shutdown-on-sigterm/sigint's flags; if
     * that save fails the node keeps running.
     */
    public void shutdownOnSignal(String sig) {
        server.shutdownOnSignal(sig);
    }

    /** SHUTDOWN: stops on another thread once the reply is out. */
    public void requestShutdown() {
        server.requestShutdown();
    }

    /** Closes listeners and connections and releases threads. Idempotent. */
    public void stop() {
        server.stop();
    }

    public void awaitStop() throws InterruptedException {
        server.awaitStop();
    }

    public boolean isStopped() {
        return server.isStopped();
    }

    public int port() {
        return server.port();
    }

    public int tlsPort() {
        return server.tlsPort();
    }

    /** Revokes certificate serials (see {@link NodeControl#revokeCertificates}). */
    public int revokeCertificates(Set<BigInteger> serials) {
        return server.revokeCertificates(serials);
    }

    // ------------------------------------------------------------------ parts, for node's own tests

    public ServerContext context() {
        return context;
    }

    public RedisServer server() {
        return server;
    }

    public Persistence persistence() {
        return persistence;
    }

    public BackgroundSaver saver() {
        return persistence.saver();
    }

    public TlsContextProvider tls() {
        return tls;
    }

    public Acl acl() {
        return acl;
    }

    public NodeMetrics metrics() {
        return metrics;
    }
}
