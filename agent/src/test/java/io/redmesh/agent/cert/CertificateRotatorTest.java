package io.redmesh.agent.cert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmesh.agent.pki.CertificateAuthority;
import io.redmesh.agent.pki.Keys;
import io.redmesh.agent.pki.OpenSsl;
import io.redmesh.agent.pki.Pem;
import io.redmesh.agent.pki.Role;
import io.redmesh.agent.pki.SanPolicy;
import io.redmesh.agent.pki.TrustBundle;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renewal at 2/3 of a 4-second lifetime, retries while the issuer is down, restart, forceRenew. */
class CertificateRotatorTest {
    static CertificateAuthority root;
    static CertificateAuthority issuing;
    static TrustBundle bundle;

    @TempDir
    Path issuerState;
    @TempDir
    Path nodeState;

    @BeforeAll
    static void cas() throws Exception {
        root = CertificateAuthority.createRoot("Root", Duration.ofDays(30));
        issuing = root.createIssuing("issuer-1", Duration.ofDays(10));
        bundle = TrustBundle.of(List.of(root.certificate()));
    }

    /** The issuer behind an asynchronous "network" that can be cut. */
    static final class FakeNetwork implements Function<byte[], CompletableFuture<byte[]>> {
        final IssuerService issuer;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger failedCalls = new AtomicInteger();

        FakeNetwork(IssuerService issuer) {
            this.issuer = issuer;
        }

        @Override
        public CompletableFuture<byte[]> apply(byte[] req) {
            calls.incrementAndGet();
            if (down.get()) {
                failedCalls.incrementAndGet();
                return CompletableFuture.failedFuture(new IOException("connection refused"));
            }
            return CompletableFuture.supplyAsync(() -> issuer.handle(req));
        }
    }

    record Installed(Instant at, BigInteger serial, List<X509Certificate> chain) {}

    static void await(BooleanSupplier cond, Duration max, String what) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void renewsAtTwoThirdsRetriesWhileTheIssuerIsDownAndRecovers() throws Exception {
        IssuerService issuer = new IssuerService(issuing, bundle, issuerState, Duration.ofSeconds(4),
                SanPolicy.defaults(), Clock.systemUTC());
        FakeNetwork net = new FakeNetwork(issuer);
        String token = issuer.mintToken("node-1", Role.NODE, Duration.ofMinutes(1));
        List<Installed> installed = new CopyOnWriteArrayList<>();
        try (CertificateRotator r = CertificateRotator.builder("node-1", nodeState, net)
                .dnsNames(List.of("localhost")).ips(List.of("127.0.0.1"))
                .joinToken(() -> token)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener((key, chain, trust, files) -> {
                    assertTrue(Keys.matches(chain.get(0).getPublicKey(), key));
                    assertEquals(Pem.certificates(chain), Files.readString(files.certFile()));
                    installed.add(new Installed(Instant.now(), chain.get(0).getSerialNumber(), chain));
                })
                .build()) {
            r.start();
            await(() -> installed.size() >= 1, Duration.ofSeconds(5), "the first certificate");
            var files = r.files();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.keyFile())));
            assertEquals(bundle, TrustBundle.parse(Files.readString(files.caCertFile()), "ca"));
            long left = r.secondsToExpiry();
            assertTrue(left >= 1 && left <= 5, "seconds to expiry " + left);
            if (OpenSsl.available()) {
                var v = OpenSsl.verify(nodeState, bundle.certificates(), installed.get(0).chain(), "sslserver");
                assertEquals(0, v.code(), v.output());
            }

            // Renewal at 2/3 of the lifetime: before expiry, not long before the 2/3 mark.
            await(() -> installed.size() >= 2, Duration.ofSeconds(6), "the renewal");
            X509Certificate first = installed.get(0).chain().get(0);
            Instant nb = first.getNotBefore().toInstant();
            Instant twoThirds = nb.plus(Duration.between(nb, first.getNotAfter().toInstant()).multipliedBy(2).dividedBy(3));
            Instant renewedAt = installed.get(1).at();
            assertTrue(!renewedAt.isBefore(twoThirds.minusMillis(50)) && renewedAt.isBefore(first.getNotAfter().toInstant()),
                    "renewed at " + renewedAt + ", 2/3 at " + twoThirds + ", expiry " + first.getNotAfter().toInstant());
            assertNotEquals(installed.get(0).serial(), installed.get(1).serial());
            assertNotEquals(installed.get(0).chain().get(0).getPublicKey(), installed.get(1).chain().get(0).getPublicKey(),
                    "a new key pair each renewal");

            // Issuer down: retries, the current material stays, nothing new is installed. The
            // outage starts with a forced renewal, early in the certificate's life, so that it
            // ends well before the certificate expires even on a slow machine.
            BigInteger serving = r.current().leaf().getSerialNumber();
            String certOnDisk = Files.readString(files.certFile());
            int before = installed.size();
            net.down.set(true);
            r.forceRenew();
            await(() -> net.failedCalls.get() >= 3, Duration.ofSeconds(8), "retries");
            assertEquals(before, installed.size());
            assertEquals(serving, r.current().leaf().getSerialNumber());
            assertEquals(certOnDisk, Files.readString(files.certFile()));

            // Back up: recovers (with the current certificate if still valid, else... it has no token left:
            // the test keeps the outage shorter than the lifetime).
            net.down.set(false);
            await(() -> installed.size() > before, Duration.ofSeconds(5), "recovery");
            assertNotEquals(serving, r.current().leaf().getSerialNumber());

            // forceRenew completes with a new certificate.
            BigInteger beforeForce = r.current().leaf().getSerialNumber();
            r.forceRenew().get(5, TimeUnit.SECONDS);
            assertNotEquals(beforeForce, r.current().leaf().getSerialNumber());
        }
    }

    @Test
    void aRestartReusesValidMaterialAndATokenIsNeededOnlyWithoutIt() throws Exception {
        IssuerService issuer = new IssuerService(issuing, bundle, issuerState, Duration.ofMinutes(10),
                SanPolicy.defaults(), Clock.systemUTC());
        FakeNetwork net = new FakeNetwork(issuer);
        String token = issuer.mintToken("node-2", Role.NODE, Duration.ofMinutes(1));
        BigInteger serial;
        try (CertificateRotator r = CertificateRotator.builder("node-2", nodeState, net).joinToken(() -> token).build()) {
            r.start();
            await(() -> r.current() != null, Duration.ofSeconds(5), "the first certificate");
            serial = r.current().leaf().getSerialNumber();
        }
        int callsBefore = net.calls.get();
        List<BigInteger> seen = new CopyOnWriteArrayList<>();
        try (CertificateRotator r = CertificateRotator.builder("node-2", nodeState, net)
                .listener((k, c, t, f) -> seen.add(c.get(0).getSerialNumber())).build()) {
            r.start();
            await(() -> !seen.isEmpty(), Duration.ofSeconds(5), "the stored material");
            assertEquals(serial, seen.get(0));
            Thread.sleep(200);
            assertEquals(callsBefore, net.calls.get(), "no request while the stored certificate is fresh");
            assertTrue(r.secondsToExpiry() > 500);
        }
        // Without material and without a token, it keeps asking for one (and says so) but gets nothing.
        Path empty = Files.createDirectory(nodeState.resolve("empty"));
        try (CertificateRotator r = CertificateRotator.builder("node-3", empty, net)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).build()) {
            r.start();
            Thread.sleep(300);
            assertEquals(null, r.current());
            assertEquals(0, r.secondsToExpiry());
        }
        // The reused token is refused by the issuer: the rotator retries and installs nothing.
        Path fresh = Files.createDirectory(nodeState.resolve("fresh"));
        try (CertificateRotator r = CertificateRotator.builder("node-2", fresh, net).joinToken(() -> token)
                .backoff(Duration.ofMillis(50), Duration.ofMillis(100)).build()) {
            r.start();
            int c0 = net.calls.get();
            await(() -> net.calls.get() >= c0 + 2, Duration.ofSeconds(5), "retries of a refused request");
            assertEquals(null, r.current());
        }
        assertNotNull(serial);
    }

    @Test
    void aLeafFromANewRootIsAdoptedOnlyAfterTheTrustBundleNamesIt() throws Exception {
        IssuerService issuer = new IssuerService(issuing, bundle, issuerState, Duration.ofMinutes(10),
                SanPolicy.defaults(), Clock.systemUTC());
        FakeNetwork net = new FakeNetwork(issuer);
        String token = issuer.mintToken("node-4", Role.NODE, Duration.ofMinutes(1));
        List<List<X509Certificate>> trusts = new CopyOnWriteArrayList<>();
        try (CertificateRotator r = CertificateRotator.builder("node-4", nodeState, net).joinToken(() -> token)
                .listener((k, c, t, f) -> trusts.add(t)).build()) {
            r.start();
            await(() -> trusts.size() == 1, Duration.ofSeconds(5), "the first certificate");
            BigInteger first = r.current().leaf().getSerialNumber();
            // CA rotation seen from a node: the issuer switches to a CA under a new root first.
            CertificateAuthority next = CertificateAuthority.createRoot("Root 2", Duration.ofDays(30));
            CertificateAuthority nextIssuing = next.createIssuing("issuer-2", Duration.ofDays(10));
            TrustBundle both = bundle.with(next.certificate());
            issuer.setTrust(both);
            issuer.setAuthority(nextIssuing);
            // The node does not trust the new root yet: the new leaf is refused, the old one stays.
            int callsBefore = net.calls.get();
            r.forceRenew();
            await(() -> net.calls.get() > callsBefore, Duration.ofSeconds(5), "the renewal attempt");
            Thread.sleep(200);
            assertEquals(first, r.current().leaf().getSerialNumber());
            assertEquals(1, trusts.size());
            // The (gossiped) overlap bundle arrives: files rewritten, listener told, renewal succeeds.
            r.updateTrust(both).get(5, TimeUnit.SECONDS);
            assertEquals(2, trusts.size());
            assertEquals(both.certificates(), trusts.get(1));
            assertEquals(both, TrustBundle.parse(Files.readString(r.files().caCertFile()), "ca"));
            r.forceRenew().get(10, TimeUnit.SECONDS);
            assertEquals(nextIssuing.certificate(), r.current().chain().get(1));
            both.verify(r.current().chain(), Instant.now());
        }
    }
}
