package io.redmesh.node.command;

import io.redmesh.node.spi.BlockedCall;
import io.redmesh.node.spi.ModuleCall;
import io.redmesh.node.spi.ModuleCommands;
import io.redmesh.node.spi.ReplicaChannel;
import io.redmesh.node.spi.ReplyWriter;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;

/**
 * Binds the commands an upper module implements (through {@code spi.ModuleCommands}) into the
 * command table like any family: the declaration stays Redis's, the handler sees a
 * {@link ModuleCall} over the command's context.
 */
public final class ModuleCommandFamily implements CommandFamily {
    private final ModuleCommands module;

    public ModuleCommandFamily(ModuleCommands module) {
        this.module = module;
    }

    @Override
    public void register(CommandTable.Binder binder) {
        module.register(new ModuleCommands.Binder() {
            @Override
            public ModuleCommands.Binder bind(String fullName, io.redmesh.node.spi.ModuleCommand handler) {
                binder.bind(fullName, c -> handler.execute(new Call(c)));
                return this;
            }
        });
    }

    /** One execution, as the module sees it. */
    private static final class Call implements ModuleCall {
        private final CommandContext c;
        private ReplyAdapter reply;

        Call(CommandContext c) {
            this.c = c;
        }

        @Override
        public byte[][] argv() {
            return c.argv;
        }

        @Override
        public ReplyWriter reply() {
            if (reply == null) {
                reply = new ReplyAdapter(c.reply);
            }
            return reply;
        }

        @Override
        public long clientId() {
            return c.session.id;
        }

        @Override
        public String clientAddress() {
            return c.session.transport.remoteAddress();
        }

        @Override
        public String user() {
            return c.session.user;
        }

        @Override
        public X509Certificate clientCertificate() {
            Certificate[] chain = c.session.transport.peerCertificates();
            return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
        }

        @Override
        public boolean fromMaster() {
            return c.session.master;
        }

        @Override
        public boolean inTransaction() {
            return c.session.inExec || c.session.inMulti;
        }

        @Override
        public boolean keyReadable(byte[] key) {
            AccessControl acl = c.server.accessControl();
            return acl == null || acl.keyReadable(c.session, key);
        }

        @Override
        public boolean tls() {
            return c.session.transport.tls();
        }

        @Override
        public void asking() {
            c.session.asking = true;
        }

        @Override
        public void readOnlyClient(boolean on) {
            c.session.readonlyCluster = on;
        }

        @Override
        public ReplicaChannel becomeReplica(ReplicaChannel.Events events) {
            Session s = c.session;
            if (s.replicaLink == null) {
                s.replicaLink = new ReplicaLinkChannel(s, events);
            }
            return s.replicaLink;
        }

        @Override
        public BlockedCall block(long timeoutMillis, Consumer<ReplyWriter> onTimeout) {
            Session s = c.session;
            long deadline = timeoutMillis <= 0 ? 0 : System.currentTimeMillis() + timeoutMillis;
            BlockingRegistry.BlockedState st = c.server.dispatcher().blockOnCondition(c, deadline,
                    r -> onTimeout.accept(new ReplyAdapter(r)));
            return new BlockedCall() {
                @Override
                public boolean complete(Consumer<ReplyWriter> writer) {
                    if (s.blocked != st) {
                        return false;
                    }
                    c.server.dispatcher().unblockWith(s, r -> writer.accept(new ReplyAdapter(r)));
                    return true;
                }

                @Override
                public boolean waiting() {
                    return s.blocked == st && !s.closed;
                }
            };
        }
    }
}
