package io.redmesh.agent.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.atomix.cluster.AtomixCluster;
import io.atomix.cluster.Node;
import io.atomix.cluster.discovery.BootstrapDiscoveryProvider;
import io.atomix.cluster.protocol.HeartbeatMembershipProtocol;
import io.redmesh.node.testing.Ports;
import io.redmesh.node.testing.TestCertificates;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AtomixSmokeTest {
    @Test
    void twoMembersOverTls() throws Exception {
        try (TestCertificates certs = TestCertificates.create()) {
            int p1 = Ports.free(), p2 = Ports.free();
            List<AtomixCluster> all = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TestCertificates.Identity id = certs.newServer("n" + i);
                Path ks = certs.dir().resolve("n" + i + ".p12");
                KeyStore k = KeyStore.getInstance("PKCS12");
                k.load(null, null);
                k.setKeyEntry("node", id.key(), "pw".toCharArray(), new Certificate[] {id.cert(), certs.ca().cert()});
                try (FileOutputStream o = new FileOutputStream(ks.toFile())) { k.store(o, "pw".toCharArray()); }
                Path ts = certs.dir().resolve("trust.p12");
                KeyStore t = KeyStore.getInstance("PKCS12");
                t.load(null, null);
                t.setCertificateEntry("ca", certs.ca().cert());
                try (FileOutputStream o = new FileOutputStream(ts.toFile())) { t.store(o, "pw".toCharArray()); }
                AtomixCluster c = AtomixCluster.builder()
                        .withMemberId("n" + i).withAddress("127.0.0.1", i == 0 ? p1 : p2)
                        .withMembershipProvider(BootstrapDiscoveryProvider.builder().withNodes(
                                Node.builder().withId("n0").withAddress("127.0.0.1", p1).build(),
                                Node.builder().withId("n1").withAddress("127.0.0.1", p2).build()).build())
                        .withMembershipProtocol(HeartbeatMembershipProtocol.builder()
                                .withHeartbeatInterval(Duration.ofMillis(200)).build())
                        .withTlsEnabled()
                        .withKeyStore(ks.toString()).withKeyStorePassword("pw")
                        .withTrustStore(ts.toString()).withTrustStorePassword("pw")
                        .build();
                all.add(c);
            }
            long t0 = System.nanoTime();
            all.forEach(c -> c.start().join());
            System.out.println("started in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            for (int i = 0; i < 50 && all.get(0).getMembershipService().getMembers().size() < 2; i++) Thread.sleep(100);
            assertEquals(2, all.get(0).getMembershipService().getMembers().size());
            all.get(1).getCommunicationService().subscribe("hello", (byte[] b) -> new String(b),
                    (String s) -> s + "!", (String s) -> s.getBytes(), Runnable::run);
            String r = all.get(0).getCommunicationService().<String, String>send("hello", "hi",
                    (String s) -> s.getBytes(), (byte[] b) -> new String(b), io.atomix.cluster.MemberId.from("n1")).join();
            System.out.println("reply " + r);
            all.forEach(c -> c.stop().join());
        }
    }
}
