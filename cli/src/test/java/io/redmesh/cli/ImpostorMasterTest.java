package io.redmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.it.MeshTestbed;
import io.redmesh.agent.pki.CertificateRequests;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.replication.Replication;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #12's gap: the agent names a mesh replica's master (tls-expected-peer-name) only once it
 * has seen the mesh, and a first replication connection made before that would hand masterauth to
 * whoever answers with any certificate of the mesh's CA. Here an impostor holding a valid mesh
 * certificate (for another member's name) listens where the replica expects its master, from
 * before the replica starts: it must never receive a byte, AUTH least of all, on the first
 * connection or any later one.
 *
 * <p>The master node1 serves its TLS port on 127.0.0.1; the impostor takes the same port on ::1,
 * an address node1's certificate and mesh status also claim, and the replica is pointed there, so
 * the agent recognizes the address as node1's and names node1 as the master.
 */
class ImpostorMasterTest {
    private static final String PASSWORD = "replication-secret-9f2c";
    private MeshTestbed mesh;
    private Impostor impostor;

    @AfterEach
    void stop() throws Exception {
        if (mesh != null) {
            mesh.close();
        }
        if (impostor != null) {
            impostor.close();
        }
    }

    @Test
    void anImpostorWhereTheMasterIsExpectedNeverReceivesAuth() throws Exception {
        mesh = MeshTestbed.create(2, Duration.ofHours(1));
        for (MeshTestbed.Node n : mesh.nodes) {
            Replication r = new Replication();
            n.modules = List.of(r.commands());
            n.attach = r::attach;
        }
        MeshTestbed.Node master = mesh.node(1);
        MeshTestbed.Node replica = mesh.node(2);
        impostor = new Impostor(mesh, master.tlsPort);
        replica.directives.addAll(List.of("--replicaof", "::1", Integer.toString(master.tlsPort),
                "--tls-replication", "yes", "--masterauth", PASSWORD, "--repl-timeout", "5"));
        mesh.startAll();

        String expected = "spiffe://redmesh/node/node1";
        assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> expected.equals(config(replica,
                "tls-expected-peer-name"))) >= 0, "the agent names node1 as the master of ::1:" + master.tlsPort);
        // with the name known the replica does connect (and is refused by the name check each time)
        assertTrue(MeshTestbed.await(Duration.ofSeconds(30), () -> impostor.handshakes.get() >= 1) >= 0,
                "the replica connects once its master's name is known");
        String got = impostor.received();
        assertEquals("", got, "the impostor received nothing, not even PING");
        assertTrue(!got.contains(PASSWORD));
        assertTrue(!replica.call("INFO", "replication").contains("master_link_status:up"));
    }

    private static String config(MeshTestbed.Node n, String name) {
        String[] parts = n.call("CONFIG", "GET", name).split("\r\n");
        return parts.length >= 5 ? parts[4] : "";
    }

    /**
     * A TLS server with a certificate the mesh's CA signed for "node3" (a name node1 is not): it
     * answers PING with +PONG, as a master would, and keeps every byte a client sends.
     */
    static final class Impostor implements AutoCloseable {
        final AtomicInteger handshakes = new AtomicInteger();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final SSLServerSocket server;
        private final Thread acceptor;

        Impostor(MeshTestbed mesh, int port) throws Exception {
            KeyPair keys = CertificateRequests.newKeyPair();
            var csr = CertificateRequests.parse(CertificateRequests.create(keys, "node3", List.of("localhost"),
                    List.of("127.0.0.1", "::1")));
            X509Certificate leaf = mesh.issuing.signLeaf(csr, "node3", Role.NODE, Duration.ofHours(1),
                    SanPolicy.defaults());
            List<X509Certificate> chain = mesh.issuing.leafChain(leaf);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("impostor", keys.getPrivate(), new char[0], chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName("::1"), port));
            acceptor = new Thread(this::accept, "impostor-master");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    handshakes.incrementAndGet();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (bytes) {
                            bytes.write(buf, 0, n);
                        }
                        if (new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("PING")) {
                            s.getOutputStream().write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                } catch (Exception e) {
                    // the replica closed the link (refused our name), or a read timed out: next
                }
            }
        }

        String received() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.ISO_8859_1);
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(5000);
        }
    }
}
