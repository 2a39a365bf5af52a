package io.redmesh.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.client.Gauge;
import io.redmesh.node.command.ServerContext;
import io.redmesh.node.config.ConfigLoader;
import io.redmesh.node.testing.GeneratedCertificates;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.RespClient;
import io.redmesh.node.testing.ServerFixture;
import io.redmesh.node.testing.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus endpoint: off by default, on loopback when on, counting what the node did
 * (commands, ACL denials of every reason, TLS handshakes, certificate expiry), accepting an upper
 * module's collectors, passing {@code promtool check metrics}; metrics-port/metrics-bind in
 * CONFIG SET (rebinding, refusing an address in use) and bad values in a config file.
 */
class MetricsEndpointTest {
    @GeneratedCertificates
    private static TestCertificates certs;

    @Test
    void offByDefaultAndHiddenFromConfigGetStar() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            assertEquals(0, s.server().metrics().port());
            assertEquals("*2\r\n$12\r\nmetrics-port\r\n$1\r\n0\r\n", c.callString("CONFIG", "GET", "metrics-port"));
            assertEquals("*2\r\n$12\r\nmetrics-bind\r\n$9\r\n127.0.0.1\r\n",
                    c.callString("CONFIG", "GET", "metrics-bind"));
            assertFalse(c.callString("CONFIG", "GET", "*").contains("metrics"));
            assertEquals("*0\r\n", c.callString("CONFIG", "GET", "metrics*"));
        }
    }

    @Test
    void countsCommandsDenialsAndHandshakesAndPassesPromtool() throws Exception {
        int port = Ports.free();
        try (ServerFixture s = ServerFixture.start(certs.serverArgs("--metrics-port", Integer.toString(port),
                "--tls-auth-clients-user", "cn"))) {
            NodeMetrics m = s.server().metrics();
            assertEquals(port, m.port());
            // an upper module's metric, registered after start
            Gauge members = Gauge.build("redmesh_test_mesh_members", "Members seen (test).").register(m.registry());
            members.set(5);
            try (RespClient c = s.client()) {
                for (int i = 0; i < 3; i++) {
                    assertEquals("+OK\r\n", c.callString("SET", "k" + i, "v"));
                }
                assertEquals("+OK\r\n", c.callString("ACL", "SETUSER", "limited", "on", ">pw", "~allowed*", "+get",
                        "+subscribe", "+auth"));
                assertTrue(c.callString("AUTH", "limited", "wrong").startsWith("-WRONGPASS"));
                assertEquals("+OK\r\n", c.callString("AUTH", "limited", "pw"));
                assertTrue(c.callString("SET", "allowed1", "v").startsWith("-NOPERM"));
                assertTrue(c.callString("GET", "other").startsWith("-NOPERM"));
                assertTrue(c.callString("SUBSCRIBE", "ch").startsWith("-NOPERM"));
            }
            // TLS: one handshake with a certificate naming no user (tls-cert denial), one refused
            tlsPing(s.tlsPort(), certs.clientContext(certs.newClient("nobody-here")));
            try {
                tlsPing(s.tlsPort(), certs.clientContext(certs.untrustedClient()));
            } catch (IOException expected) {
                // the server refuses the unknown issuer
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (s.context().stats.tlsHandshakesFailed == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }

            Scrape sc = Scrape.of(port);
            assertEquals(3, sc.value("redmesh_commands_processed_total{cmd=\"set\"}"), sc.text());
            assertEquals(1, sc.value("redmesh_commands_processed_total{cmd=\"acl|setuser\"}"));
            assertEquals(1, sc.value("redmesh_commands_rejected_total{cmd=\"set\"}"));
            assertEquals(1, sc.value("redmesh_acl_denied_total{reason=\"auth\"}"));
            assertEquals(1, sc.value("redmesh_acl_denied_total{reason=\"command\"}"));
            assertEquals(1, sc.value("redmesh_acl_denied_total{reason=\"key\"}"));
            assertEquals(1, sc.value("redmesh_acl_denied_total{reason=\"channel\"}"));
            assertEquals(1, sc.value("redmesh_acl_denied_total{reason=\"tls-cert\"}"));
            assertTrue(sc.value("redmesh_tls_handshakes_total{result=\"ok\"}") >= 1);
            assertTrue(sc.value("redmesh_tls_handshakes_total{result=\"failed\"}") >= 1);
            assertTrue(sc.value("redmesh_connections_received_total") >= 3);
            assertTrue(sc.value("redmesh_connected_clients") >= 0);
            assertEquals(5, sc.value("redmesh_test_mesh_members"));
            assertEquals(1, sc.value("redmesh_build_info{version=\"" + ServerContext.REDMESH_VERSION
                    + "\",redis_version=\"" + ServerContext.REDIS_VERSION + "\"}"));
            double notAfter = certs.server().cert().getNotAfter().getTime() / 1000.0;
            assertEquals(notAfter, sc.value("redmesh_tls_certificate_not_after_timestamp_seconds{link=\"client\"}"));
            double left = sc.value("redmesh_tls_certificate_expiry_seconds{link=\"client\"}");
            double expected = notAfter - System.currentTimeMillis() / 1000.0;
            assertTrue(Math.abs(left - expected) < 60, left + " vs " + expected);

            if (Scrape.promtoolAvailable()) {
                assertNull(sc.promtoolProblems(), sc.text());
            }
            Assumptions.assumeTrue(Scrape.promtoolAvailable(), "promtool (Debian package prometheus) not installed");
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        int port = Ports.free();
        try (ServerFixture s = ServerFixture.start("--metrics-port", Integer.toString(port))) {
            MetricsEndpoint e = endpoint(s);
            assertTrue(e.address().getAddress().isLoopbackAddress());
            assertEquals("127.0.0.1", e.address().getAddress().getHostAddress());
            // reachable on 127.0.0.1, and on no other local address
            Scrape.of(port);
            InetAddress other = nonLoopbackAddress();
            if (other != null) {
                assertThrows(IOException.class, () -> {
                    try (Socket sock = new Socket()) {
                        sock.connect(new java.net.InetSocketAddress(other, port), 2000);
                    }
                });
            }
        }
    }

    @Test
    void configSetTurnsOnRebindsAndTurnsOff() throws Exception {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            int first = Ports.free();
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "metrics-port", Integer.toString(first)));
            assertEquals(first, s.server().metrics().port());
            assertTrue(Scrape.of(first).value("redmesh_commands_processed_total{cmd=\"config|set\"}") >= 1);

            int second = Ports.free();
            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "metrics-port", Integer.toString(second),
                    "metrics-bind", "::1".equals(ipv6Loopback()) ? "::1" : "127.0.0.1"));
            assertEquals(second, s.server().metrics().port());
            assertRefused(first);
            Scrape.of("::1".equals(ipv6Loopback()) ? "[::1]" : "127.0.0.1", second);

            // a port in use: refused with Redis's text, the endpoint in force stays
            try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                String reply = c.callString("CONFIG", "SET", "metrics-bind", "127.0.0.1", "metrics-port",
                        Integer.toString(busy.getLocalPort()));
                assertTrue(reply.startsWith("-ERR CONFIG SET failed (possibly related to argument 'metrics-")
                        && reply.endsWith("Unable to listen on this port. Check server logs.\r\n"), reply);
            }
            assertEquals(second, s.server().metrics().port());
            assertEquals("*2\r\n$12\r\nmetrics-port\r\n$5\r\n" + second + "\r\n",
                    c.callString("CONFIG", "GET", "metrics-port"));

            assertEquals("+OK\r\n", c.callString("CONFIG", "SET", "metrics-port", "0"));
            assertEquals(0, s.server().metrics().port());
            assertRefused(second);
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void badValuesAreRefusedAndTheServerKeepsServing() {
        try (ServerFixture s = ServerFixture.start(); RespClient c = s.client()) {
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'metrics-port') - argument must be "
                    + "between 0 and 65535 inclusive\r\n", c.callString("CONFIG", "SET", "metrics-port", "65536"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'metrics-port') - argument couldn't "
                    + "be parsed into an integer\r\n", c.callString("CONFIG", "SET", "metrics-port", "http"));
            for (String bad : List.of("localhost", "example.org", "256.1.1.1", "1.2.3", "", "127.0.0.1:9121")) {
                assertEquals("-ERR CONFIG SET failed (possibly related to argument 'metrics-bind') - metrics-bind "
                        + "must be an IPv4 or IPv6 address\r\n", c.callString("CONFIG", "SET", "metrics-bind", bad), bad);
            }
            assertEquals(0, s.server().metrics().port());
            assertEquals("+PONG\r\n", c.callString("PING"));
        }
    }

    @Test
    void badValuesInAConfigFileNameTheLine() {
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n"
                + ">>> 'metrics-port 70000'\nargument must be between 0 and 65535 inclusive",
                loadError("port 7000\nbind 127.0.0.1\nmetrics-port 70000\n"));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n"
                + ">>> 'metrics-bind metrics.example'\nmetrics-bind must be an IPv4 or IPv6 address",
                loadError("port 7000\nmetrics-bind metrics.example\n"));
        assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 1\n"
                + ">>> 'metrics-port 1 2'\nwrong number of arguments", loadError("metrics-port 1 2\n"));
    }

    @Test
    void aPortInUseAtStartStopsStartUpWithRedisText() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ServerFixture.start("--metrics-port", Integer.toString(busy.getLocalPort())).close());
            assertEquals("Failed listening on port " + busy.getLocalPort() + " (metrics), aborting.", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String loadError(String text) {
        java.nio.file.Path f = null;
        try {
            f = java.nio.file.Files.createTempFile("metrics", ".conf");
            java.nio.file.Files.writeString(f, text);
            new ConfigLoader(io.redmesh.node.Node.newConfig(), ServerContext.REDIS_VERSION).loadArgs(List.of(f.toString()));
            return null;
        } catch (ConfigLoader.FatalConfigError e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            if (f != null) {
                f.toFile().delete();
            }
        }
    }

    private static MetricsEndpoint endpoint(ServerFixture s) throws Exception {
        java.lang.reflect.Field f = NodeMetrics.class.getDeclaredField("endpoint");
        f.setAccessible(true);
        return (MetricsEndpoint) f.get(s.server().metrics());
    }

    private static void assertRefused(int port) {
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    private static String ipv6Loopback() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return "::1";
        } catch (IOException e) {
            return null;
        }
    }

    private static InetAddress nonLoopbackAddress() throws IOException {
        for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                if (a instanceof java.net.Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }

    private static void tlsPing(int port, SSLContext ctx) throws IOException {
        try (SSLSocket sock = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            sock.setSoTimeout(5000);
            sock.startHandshake();
            OutputStream out = sock.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = sock.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            if (n != 7 || !"+PONG\r\n".equals(new String(buf, StandardCharsets.US_ASCII))) {
                throw new IOException("no PONG");
            }
        }
    }
}
